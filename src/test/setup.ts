// Vitest setup: a fresh in-memory IndexedDB for storage tests in Node.
import 'fake-indexeddb/auto';
