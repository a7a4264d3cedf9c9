/** Distance in metres between two points (equirectangular: fine at a few kilometres). */
export function metres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const x = (((lng2 - lng1) * Math.PI) / 180) * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  const y = ((lat2 - lat1) * Math.PI) / 180;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}
