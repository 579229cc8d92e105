import { describe, expect, it } from 'vitest';
import { partialDependencePlot } from './partial-dependence-plot';

const frame = { width: 300, height: 200, left: 40, right: 10, top: 10, bottom: 30 };

describe('partial dependence plot', () => {
  it('puts a numeric grid on a linear axis, one line per class', () => {
    const plot = partialDependencePlot(
      {
        column: 'petal_length',
        kind: 'numeric',
        grid: [1, 2, 4],
        series: [
          { label: 'setosa', values: [0.9, 0.5, 0.1] },
          { label: 'virginica', values: [0.05, 0.3, 0.8] },
        ],
      },
      frame,
    );
    expect(plot.lines).toHaveLength(2);
    const [a, b, c] = plot.lines[0].points;
    expect(a.x).toBeCloseTo(40);
    expect(c.x).toBeCloseTo(290);
    // 2 is a third of the way from 1 to 4.
    expect((b.x - a.x) / (c.x - a.x)).toBeCloseTo(1 / 3);
    // Probabilities falling: y pixels growing.
    expect(a.y).toBeLessThan(c.y);
    expect(plot.categoryTicks).toEqual([]);
    expect(plot.xTicks.length).toBeGreaterThan(0);
    expect(plot.summary).toMatch(/setosa from 0\.9 at 1 to 0\.1 at 4/);
  });

  it('spaces categories evenly and labels them', () => {
    const plot = partialDependencePlot({ column: 'city', kind: 'categorical', grid: ['Paris', 'a very long city name', 'Rome'], series: [{ label: 'price', values: [3, 2, Number.NaN] }] }, frame);
    expect(plot.categoryTicks.map((t) => t.label)).toEqual(['Paris', 'a very long…', 'Rome']);
    expect(plot.categoryTicks[1].x - plot.categoryTicks[0].x).toBeCloseTo(plot.categoryTicks[2].x - plot.categoryTicks[1].x);
    // The NaN point is left out of the line.
    expect(plot.lines[0].points).toHaveLength(2);
    expect(plot.xTicks).toEqual([]);
  });
});
