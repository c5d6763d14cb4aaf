// Property tests explore new random cases on every developer run, but CI replays one fixed seed so
// that a landing is never decided by the draw: a counterexample found locally is fixed (and kept as
// a unit test) before it lands. FC_SEED=<n> reproduces a run; fast-check prints the seed of a
// failure. The engine/oracle differential test takes the same seed (ENGINE_DIFF_SEED).
import fc from 'fast-check';

const CI_SEED = 20261123;
const fromEnv = process.env.FC_SEED;
const seed = fromEnv !== undefined ? Number(fromEnv) : process.env.CI === 'true' ? CI_SEED : Math.floor(Math.random() * 0x7fffffff);

fc.configureGlobal({ seed });
process.env.ENGINE_DIFF_SEED ??= String(seed);
