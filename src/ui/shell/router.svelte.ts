import { parseRoute, routeHref, type Route } from './route';

/** The current route, kept in sync with `location.hash`. */
export class Router {
  #route = $state<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash));

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        this.#route = parseRoute(location.hash);
      });
    }
  }

  get route(): Route {
    return this.#route;
  }

  /** Navigate to a route (adds a history entry). */
  go(route: Route): void {
    location.hash = routeHref(route);
  }
}

/** The app's one router. */
export const router = new Router();
