/** A layer name short enough for a chart axis, keeping its most telling end: "…features.18.2/Clip". */
export function shortLayerName(name: string, max = 28): string {
  if (name.length <= max) return name;
  return `…${name.slice(-(max - 1))}`;
}
