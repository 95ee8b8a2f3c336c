// Captures the WebAssembly instances the page creates, so the bench can read the Go module's linear memory size
// (instance.exports.mem.buffer.byteLength) without a debug hook in the library. Import it before etag-cache.js.
export const instances = [];

const streaming = WebAssembly.instantiateStreaming;
if (typeof streaming === 'function') {
  WebAssembly.instantiateStreaming = async function (...args) {
    const r = await streaming.apply(this, args);
    instances.push(r.instance);
    return r;
  };
}
// instantiate(bytes) resolves with {module, instance}; instantiate(module) with the Instance itself.
const plain = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const r = await plain.apply(this, args);
  if (r instanceof WebAssembly.Instance) instances.push(r);
  else if (r && r.instance) instances.push(r.instance);
  return r;
};

/** Bytes of linear memory of every captured instance, summed (0 when none). */
export function wasmMemoryBytes() {
  let n = 0;
  for (const inst of instances) {
    for (const v of Object.values(inst.exports)) {
      if (v instanceof WebAssembly.Memory) n += v.buffer.byteLength;
    }
  }
  return n;
}
