// A setup file of every lane (jest.config.js): Jest 29 takes `testTimeout` for a whole run only, so
// each lane passes its own in `globals.laneTestTimeout`. A test's own timeout argument still wins.
jest.setTimeout(globalThis.laneTestTimeout);
