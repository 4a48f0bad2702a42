// ONNX Runtime's inference speed (onnxruntime-node, CPU) on the exported
// models and inputs.
//
//   node ort_infer.js DIR MODEL BATCH THREADS REPS SECONDS
//
// Runs DIR/MODEL_b{BATCH}.onnx on DIR/MODEL_b{BATCH}.npy with THREADS
// intra-op threads (sequential execution, all graph optimizations): a
// warm-up of SECONDS, then REPS timed blocks of about SECONDS each. Prints
// `median min max` of the seconds per call and saves the logits to
// DIR/MODEL_b{BATCH}.ort.npy.
//
// The timed calls go to the package's synchronous native session (what its
// public, promise-based `run` wraps in a setImmediate), so that batch-1
// latency measures ONNX Runtime rather than Node's event loop; without that
// internal binding it falls back to the public API and says so on stderr.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

// A little-endian float32 .npy file as {shape, data}.
function readNpy(path) {
  const buf = fs.readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`${path}: expected a C-order float32 array`);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',')
    .filter((s) => s.trim() !== '').map(Number);
  const bytes = buf.subarray(10 + headerLen);
  const data = new Float32Array(bytes.buffer.slice(
    bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { shape, data };
}

function writeNpy(path, dims, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${
    dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  header = header.padEnd(118, ' ') + '\n'; // 10 + 118 = 128 bytes
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const [dir, name, batch, threads, reps, seconds] = process.argv.slice(2);
  const base = `${dir}/${name}_b${batch}`;
  const options = {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const input = readNpy(`${base}.npy`);
  const feeds = { x: new ort.Tensor('float32', input.data, input.shape) };
  let run;
  try {
    const { binding, initOrt } = require('onnxruntime-node/dist/binding');
    initOrt();
    const native = new binding.InferenceSession();
    native.loadModel(`${base}.onnx`, options);
    run = async () => native.run(feeds, { logits: null }, {});
  } catch (e) {
    console.error(`ort_infer: public async API (${e.message})`);
    const session = await ort.InferenceSession.create(`${base}.onnx`, options);
    run = () => session.run(feeds);
  }
  const out = (await run()).logits;
  writeNpy(`${base}.ort.npy`, out.dims, out.data);

  const now = () => Number(process.hrtime.bigint()) / 1e9;
  let start = now();
  let calls = 0;
  while (now() - start < Number(seconds)) { // warm-up
    await run();
    calls++;
  }
  const perBlock = Math.max(1, Math.round(calls * seconds / (now() - start)));
  const times = [];
  for (let r = 0; r < Number(reps); r++) {
    start = now();
    for (let i = 0; i < perBlock; i++) await run();
    times.push((now() - start) / perBlock);
  }
  times.sort((a, b) => a - b);
  const n = times.length;
  const median = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  console.log(median, times[0], times[n - 1]);
}

main().catch((e) => {
  console.error(`ort_infer: ${e.message}`);
  process.exit(1);
});
