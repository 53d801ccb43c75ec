// The stacked memory bar of one size() answer (weights, KV cache, activations, runtime overhead,
// free; the card's edge marked when over), drawn the same by the home table and the widget. The
// generator draws the pre-rendered one (templates/membar.mustache) with the same geometry.
const SVG = 'http://www.w3.org/2000/svg';

export function gib(bytes) { return (bytes / 2 ** 30).toFixed(1); }

function element(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

export function memoryBar(memory, height = 14) {
  const svg = element('svg', { class: 'bar', part: 'bar', viewBox: `0 0 200 ${height}`, width: '200',
                               height: String(height), role: 'img' });
  const kv = Math.max(memory.kv_cache_bytes, memory.kv_cache_capacity_bytes);
  const parts = [['weights', memory.weights_bytes], ['kv', kv], ['activations', memory.activation_bytes],
                 ['overhead', memory.runtime_overhead_bytes], ['free', Math.max(memory.free_bytes, 0)]];
  const total = parts.reduce((sum, [, bytes]) => sum + bytes, 0);
  const scale = 200 / Math.max(memory.capacity_bytes, total, 1);
  const title = element('title', {});
  title.textContent = `weights ${gib(memory.weights_bytes)} GiB, KV cache ${gib(kv)} GiB, ` +
    `activations ${gib(memory.activation_bytes)} GiB, overhead ${gib(memory.runtime_overhead_bytes)} GiB ` +
    `of ${gib(memory.capacity_bytes)} GiB`;
  svg.appendChild(title);
  let x = 0;
  for (const [part, bytes] of parts) {
    const w = bytes * scale;
    if (w <= 0) continue;
    svg.appendChild(element('rect', { class: part, x: x.toFixed(2), y: '1', width: w.toFixed(2),
                                      height: String(height - 2) }));
    x += w;
  }
  if (memory.free_bytes < 0) {
    const at = (memory.capacity_bytes * scale).toFixed(2);
    svg.appendChild(element('line', { class: 'edge', x1: at, y1: '0', x2: at, y2: String(height) }));
  }
  return svg;
}
