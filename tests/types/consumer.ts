// consumer.ts - type test of the public JS API (tsc -p tests/types; never run, only checked).
// It imports the wrapper as a page does ('../../wasm/rnnlab.mjs', typed from its JSDoc) and names
// the published types as an npm user does ('rnnlab': package.json "exports" -> wasm/rnnlab.d.ts,
// a self-reference), so one file checks that the calls type-check, that the module's exports
// match the declarations, and (the @ts-expect-error lines) that wrong calls are rejected.

import { load, parseSequences, simdSupported } from '../../wasm/rnnlab.mjs';
import * as wrapper from '../../wasm/rnnlab.mjs';
import type * as api from 'rnnlab';

// The module's exports are what rnnlab.d.ts declares (a changed signature fails here).
const exportsMatch: typeof api = wrapper;
void exportsMatch;

const lab: api.Lab = await load({ simd: simdSupported() });
const scalar = await load({ simd: false, wasm: new URL('../../wasm/rnnlab-scalar.wasm', import.meta.url) });
const label: string = `${lab.version} simd=${lab.simd} cells=${lab.cells.join()} maxHidden=${scalar.limits.maxHidden}`;

// ---- model, forward, trainer, step ----
const model: api.Model = lab.createModel({
  cell: 'lstm', inputSize: 2, input: 'onehot', hiddenSize: 8, outputSize: 2, output: 'softmax', seed: 1,
});
const cfg: api.NormalizedModelConfig = model.config;
const cellName: api.Cell = cfg.cell;
const batch: api.Batch = {
  inputs: new Int32Array([0, 1, 1, 0, 1, 1, 0, 1]),
  targets: new Int32Array([0, 1, 0, 0, 1, 0, 0, 1]),
  batchSize: 2,
  length: 4,
};
const { outputs, loss }: api.ForwardResult = model.forward(batch);
const probs: Float32Array = outputs;
const trainer: api.Trainer = lab.createTrainer(model, { optimizer: 'adam', learningRate: 0.01, clipNorm: 1 });
const stepped: api.StepResult = trainer.step(batch);
const lr: number = trainer.config.learningRate + trainer.steps + stepped.chunks;
model.backward(batch);
const grads: Record<string, Float32Array> = model.getGradients();
model.setWeights({ 'fc.bias': new Float32Array([0, 0]) });
model.setWeights({ 'fc.bias': [0, 0] });
const trace: api.Trace = model.trace(batch);
const firstGates: Float32Array = trace.layers[0][0].gates;
const shapes: readonly number[][] = model.tensors.map((t) => [...t.shape]);

// ---- save / load ----
const bytes: Uint8Array = model.save();
const copy: api.Model = lab.loadModel(bytes);
const withOpt = lab.loadTrainer(model.save({ trainer }));
const resumed: api.Trainer | null = withOpt.trainer;
lab.loadModel(bytes.buffer as ArrayBuffer).free();

// ---- decoding search ----
const found: api.SearchResult = lab.search({
  next: (prefix: Int32Array) => new Float32Array([0.1, 0.2, 0.3, 0.2, 0.2 + prefix.length * 0]),
  vocabSize: 5, length: 8, strategy: 'beam', beamWidth: 4, eos: null,
});
const best: Int32Array = found.tokens;
const beams: api.Hypothesis[] | undefined = found.beams;
const logp: number = lab.score({ next: () => [0.5, 0.5], vocabSize: 2, tokens: [0, 1] });
const sampled: api.SearchResult = model.generate({ prompt: [0], length: 20, strategy: 'sample', temperature: 0.8, topK: 2, seed: 3n });
const modelScore: number = model.score({ prompt: [0], tokens: sampled.tokens });

// ---- tasks and lab.train ----
const task: api.Task = lab.createTask('addition', { seed: 1, length: 16 });
const net = lab.createModel({ ...task.modelConfig, cell: 'gru', hiddenSize: 16, seed: 1 });
const run: api.TrainResult = await lab.train({
  task, model: net, trainerOptions: { optimizer: 'adam', learningRate: 0.01 }, maxSteps: 10, curve: [8, 16],
  onProgress: (p: api.TrainProgress) => { if (p.metric !== null && p.metric > 0.99) return false; },
  signal: new AbortController().signal,
});
const stop: 'solved' | 'budget' | 'aborted' | 'stopped' = run.stop;
const testAcc: number = run.test.accuracy;
const evaluated: api.TaskResult = task.evaluate(net, { count: 100, length: 32, seed: 7n });
const curve = task.generalization(net, { lengths: [8, 64] });
const tb = task.batch(4);
if (!('src' in tb)) model.forward({ ...tb, carryState: false }); // Batch | Seq2SeqBatch narrows
const text = lab.createTask('text', { text: 'hello world. '.repeat(200), vocab: 32, holdout: 0.2 });
const heldout: number | undefined = text.split?.heldout;
const corpusC: string = await lab.loadCorpus('c');
const recipe = lab.recipes.parity;
const recipeTask = lab.createTask(recipe.task, recipe.taskOptions);

// ---- your own sequences: parseSequences and the csv task ----
const csv = 'id,x,y\n1,0.1,0.2\n1,0.2,0.3\n2,0.3,0.4\n2,0.4,0.5\n3,0.5,0.6\n3,0.6,0.7\n';
const data: api.CsvDataset = parseSequences(csv, { format: 'long', id: 'id', inputs: ['x'], target: 'y' });
const seq0: Float64Array = data.sequences[0].x;
const csvTask: api.CsvTask = lab.createTask('csv', { text: csv, targetAt: 'step', heldOut: 0.3, seed: 1 });
const csvFromData: api.CsvTask = lab.createTask('csv', { data });
const csvModel = lab.createModel({ ...csvTask.modelConfig, hiddenSize: 8 });
const csvRun = await lab.train({ task: csvTask, model: csvModel, batchSize: 2, maxSteps: 5, target: 0.9 });
const rmse: number | undefined = csvRun.test.rmse;
const pred: api.CsvPrediction = csvTask.predict(csvModel, 0, { split: 'heldout' });
const every: Float64Array | Int32Array = pred.every;
const csvEval: api.TaskResult = csvTask.evaluate(csvModel, { split: 'train', count: 1 });
const csvBatch: api.Batch = csvTask.batch(2);

// ---- sequence to sequence ----
const rev = lab.createTask('reverse', { length: 5, evalLength: 5 });
const s2s: api.Seq2Seq = lab.createSeq2Seq({ ...rev.modelConfig, cell: 'gru', hiddenSize: 32 }, { optimizer: 'adam', learningRate: 0.01 });
await lab.train({ task: rev, model: s2s, teacherForcing: 0.5, beamWidth: 2, maxSteps: 5 });
const pairs: api.Seq2SeqBatch = rev.evalSet({ count: 4 });
const s2sStep = s2s.step(pairs, { teacherForcing: 1 });
const s2sLoss: number = s2sStep.loss + s2s.forward(pairs).loss;
const rows: Int32Array[] = s2s.greedy(pairs, { bos: 1, eos: 2, maxLength: 8 });
const scored: api.TaskResult = rev.scoreSequences(pairs, rows);
const decoded: api.SearchResult = s2s.decode(pairs.src.subarray(0, pairs.srcLength), { bos: 1, eos: 2, length: 8, strategy: 'beam' });
const exact: number = s2s.evaluate(rev, { beamWidth: 4 }).accuracy;
// the Learner protocol: one function drives a plain model's trainer and an encoder-decoder alike
async function fitOnce(learner: api.Learner, t: api.Task): Promise<number> {
  learner.learningRate = learner.learningRate * 0.5;
  const r = learner.step(t.nextBatch(4));
  const bytes: Uint8Array = learner.save();
  const again = lab.loadLearner(bytes);
  const next: number = again.step(t.nextBatch(4)).loss;
  again.free();
  return r.loss + next + learner.steps + learner.evaluate(t, { count: 8 }).accuracy;
}
const protocolLoss: number = await fitOnce(lab.createLearner(s2s), rev) + await fitOnce(lab.createLearner(net), task);
const viaLearner: api.TrainResult = await lab.train({ task: rev, learner: s2s, maxSteps: 2 });
const s2sHidden: number = s2s.config.hiddenSize;
const s2sSaved: Uint8Array = s2s.save({ optimizer: true });
const s2sLoaded: api.Seq2Seq = lab.loadSeq2Seq(s2sSaved);
const s2sTrace: api.Seq2SeqTrace = s2sLoaded.trace(pairs);
const encGates: Float32Array | undefined = s2sTrace.encoder?.layers[0][0].gates, decOut: Float32Array = s2sTrace.decoder.outputs;
const attn: api.Seq2Seq = lab.createSeq2Seq({ inputSize: 7, outputSize: 7, attention: 'additive', bidirectional: true });
const weights: Float32Array | undefined = attn.trace(pairs).attention;
const aligned: Float32Array = attn.align(new Int32Array([3, 4]), new Int32Array([4, 3, 2]), { bos: 1 });
const beamRows: Float32Array | undefined = attn.decode(new Int32Array([3, 4]), { bos: 1, strategy: 'beam', beamWidth: 2, length: 3 }).beams?.[0].attention;
const form: api.AttentionForm = attn.attention;
s2sLoaded.setLearningRate(s2sLoaded.learningRate / 2 + s2sLoaded.steps);
const s2sOpt: string = s2sLoaded.trainerOptions.optimizer;
const streams: number = lab.createTask('text').maxBatchSize(64);

// ---- Hopfield networks ----
const hop: api.Hopfield = lab.createHopfield({ size: 16, rule: 'storkey', bias: true, seed: 2 });
const storedCount: number = hop.store(new Int8Array(32).fill(1)) + hop.step({ rows: 1, size: 16, data: new Float32Array(16) }).loss;
const recalled: api.HopfieldRecall = hop.recall(hop.corrupt(new Int8Array(16).fill(1), { flip: 0.25, seed: 3 }), { update: 'sync', maxSweeps: 10 });
const landed: string = recalled.landedIn.kind === 'mixture' ? recalled.landedIn.patterns.join() : recalled.landedIn.kind;
const hopEnergy: number = hop.energy(recalled.state) + recalled.energy[0] + hop.evaluate(null, { noise: 0.1 }).overlap;
const hopCurve: api.HopfieldCapacity = lab.hopfieldCapacity({ sizes: [50, 100], alphas: [0.1, 0.2], rule: 'hebb' });
const hopBack: api.Hopfield = lab.loadHopfield(hop.save());
const hopW: Float32Array = hopBack.getWeights().weight;

// ---- wrong calls are rejected ----
// @ts-expect-error: unknown model option (hiddenSize is the name)
lab.createModel({ cell: 'lstm', inputSize: 2, hidden: 8, outputSize: 2 });
// @ts-expect-error: not a cell
lab.createModel({ cell: 'transformer', inputSize: 2, hiddenSize: 8, outputSize: 2 });
// @ts-expect-error: learningRate is a number
lab.createTrainer(model, { learningRate: '0.01' });
// @ts-expect-error: not an optimizer
lab.createTrainer(model, { optimizer: 'lbfgs' });
// @ts-expect-error: a batch needs batchSize and length
model.forward({ inputs: new Int32Array(4), targets: new Int32Array(4) });
// @ts-expect-error: inputs are typed arrays, not plain arrays
model.forward({ inputs: [0, 1], batchSize: 1, length: 2 });
// @ts-expect-error: not a task
lab.createTask('sorting');
// @ts-expect-error: the csv task needs its options (text or data)
lab.createTask('csv');
// @ts-expect-error: heldOut is a fraction, not a count
lab.createTask('csv', { text: csv, heldOut: '20%' });
// @ts-expect-error: a learner's learningRate is a number
lab.createLearner(net).learningRate = '0.1';
// @ts-expect-error: lab.train needs a task
await lab.train({ model: net, maxSteps: 10 });
// @ts-expect-error: unknown train option (maxSteps is the name)
await lab.train({ task, model: net, steps: 10 });
// @ts-expect-error: the search strategy is a name
lab.search({ next: () => [1], vocabSize: 1, length: 2, strategy: 2 });
// @ts-expect-error: generate needs a prompt
model.generate({ length: 5 });
// @ts-expect-error: parseSequences' targetAt is 'step' or 'end'
parseSequences(csv, { targetAt: 'last' });
// @ts-expect-error: a Hopfield network's rule is 'hebb' or 'storkey'
lab.createHopfield({ size: 8, rule: 'oja' });
// @ts-expect-error: hopfieldCapacity needs the alphas
lab.hopfieldCapacity({ size: 100 });
// @ts-expect-error: load options are simd and wasm
await load({ simd: true, threads: 4 });

// ---- Boltzmann machines and the Ising model ----
const bmach: api.BoltzmannMachine = lab.createBoltzmann({ visible: 4, hidden: 2, seed: 1 }, { method: 'exact', learningRate: 0.5 });
const bmData: api.BoltzmannData = { rows: 1, size: 4, data: new Float32Array([1, 0, 1, 0]) };
const bmLoss: number = bmach.step(bmData).loss + bmach.logLikelihood(bmData) + bmach.logPartition();
const bmBack: api.BoltzmannMachine = lab.loadBoltzmann(bmach.save());
const bmMethod: 'exact' | 'sampled' = bmBack.trainerOptions.method;
const lattice: Int8Array = lab.createIsing({ size: 32, seed: 1, start: 'up' }).lattice;
const isingScan: api.IsingMeasurement[] = lab.createIsing({ size: 8 }).scan({ temperatures: [1.5, 3.5], method: 'heatbath' });
// @ts-expect-error: the Boltzmann machine's methods are 'exact' and 'sampled'
bmach.setTrainer({ method: 'cd' });
// @ts-expect-error: the Ising samplers are 'metropolis' and 'heatbath'
lab.createIsing({ size: 8 }).sweep({ temperature: 2, method: 'wolff' });
// ---- RBMs and patterns (wasm/rbm.mjs, wasm/patterns.mjs) ----
const bas: api.Patterns = lab.patterns('bars-and-stripes', { n: 3 });
const rbm: api.RBM = lab.createRBM({ visible: bas.size, hidden: 16, seed: 1, data: bas }, { method: 'pcd', k: 1, learningRate: 0.02 });
const rbmNumbers: number = rbm.step(bas).loss + rbm.logLikelihood(bas.data) + rbm.estimateLogPartition({ chains: 10, betas: 100 }).stdError;
const rbmEval: api.RBMEvaluation = rbm.evaluate(bas);
const rbmBack: api.RBM = lab.loadRBM(rbm.save());
const rbmFilters: Float32Array = rbmBack.getWeights().weight;
const digitLabels: Int32Array | undefined = lab.patterns('digits', { count: 20, noise: 0.05, seed: 2 }).labels;
// @ts-expect-error: an RBM's method is 'cd' or 'pcd'
rbm.setTrainer({ method: 'exact' });
// @ts-expect-error: visibleUnits is 'binary' or 'gaussian'
lab.createRBM({ visible: 4, hidden: 2, visibleUnits: 'real' });
// @ts-expect-error: the pattern kinds are named
lab.patterns('stripes');
const dbn: api.DBN = lab.createDBN({ layers: [35, 20, 10], seed: 1 }, { stepsPerLayer: 100, method: 'cd' });
const dbnSample: Float32Array = dbn.sample({ chains: 4, steps: 10 }).data;
const dbnLayer: number = dbn.step(lab.patterns('digits')).layer + dbn.layer + lab.loadDBN(dbn.save()).steps;
// @ts-expect-error: a DBN's layers are a list of sizes
lab.createDBN({ layers: 3 });

export const used = [label, cellName, probs, loss, lr, grads, firstGates, shapes, copy, resumed, best, beams, logp,
  modelScore, testAcc, evaluated, curve, heldout, corpusC, recipeTask, seq0, csvFromData, rmse, every, csvEval,
  csvBatch, s2sLoss, scored, decoded, exact, s2sHidden, stop, protocolLoss, viaLearner,
  bmLoss, bmMethod, lattice, isingScan, storedCount, landed, hopEnergy, hopCurve, hopW,
  rbmNumbers, rbmEval, rbmFilters, digitLabels, dbnSample, dbnLayer];

// the ridge readout
const esnModel: api.Model = lab.createModel({ cell: 'esn', input: 'dense', inputSize: 1, hiddenSize: 8, outputSize: 1, output: 'linear' });
const readout: api.Ridge = lab.createRidge(esnModel, { ridge: 1e-6, washout: 10 });
const ridgeLearner: api.Ridge = lab.createLearner(esnModel, { optimizer: 'ridge', ridge: 1e-4 });
readout.ridge = 1e-3;
const ridgeLoss: number = readout.step({ batchSize: 1, length: 2, inputs: new Float32Array(2), targets: new Float32Array(2) }).loss + ridgeLearner.steps;
trainer.reserve({ batchSize: 32, length: 64 }); // memory pre-check (property-memory.test.mjs)

// learnable time constants and closed-loop training (issue 14)
const tauModel: api.Model = lab.createModel({ cell: 'ctrnn', input: 'dense', output: 'linear', inputSize: 2, outputSize: 2, alpha: 0.3, learnTau: true });
const tauOn: boolean = tauModel.config.learnTau;
const freeRunning: api.Trainer = lab.createTrainer(tauModel, { optimizer: 'adam', learningRate: 1e-3, closedLoop: { warmup: 20 } });
const closedWarmup: number | false = freeRunning.config.closedLoop && freeRunning.config.closedLoop.warmup;
// @ts-expect-error: the warm-up is a number of steps
lab.createTrainer(tauModel, { closedLoop: { warmup: '20' } });
export const usedDynamics = [tauOn, closedWarmup];

// ---- your own vectors for the energy nets (wasm/patterns.mjs patternsFromText) ----
const ownVectors: api.TextPatterns = wrapper.patternsFromText('0,1,1\n1,0,1\n', { width: 3 });
const ownRBM: api.RBM = lab.createRBM({ visible: ownVectors.size, hidden: 2, data: lab.patternsFromText('0,1,1\n', {}) });
const ownLL: number = ownRBM.logLikelihood(ownVectors) + (ownVectors.binary ? 0 : 1);
void ownLL;

// the Lyapunov exponent is a number; the analysis holds the divergence curve (issue 14)
const lyap: number = tauModel.lyapunov({ steps: 100 });
const lyapCurve: Float32Array | Float64Array | ArrayLike<number> = tauModel.lyapunovAnalysis({ steps: 100, divergenceSteps: 10 }).divergence;
export const usedLyapunov = [lyap, lyapCurve];
