'use client';
/**
 * Saving a figure for a report: the Observable Plot figure's SVG (its legend stacked above, colours
 * and fonts made explicit so the file looks the same outside the page), or a PNG drawn from it.
 */
import { downloadFile } from '@/app/_components/download';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** One standalone SVG document from the figure inside `host` (legends and chart stacked), or null. */
export function figureSvg(host: HTMLElement, title: string): { svg: string; width: number; height: number } | null {
  const parts = Array.from(host.querySelectorAll<SVGSVGElement>('svg')).filter((s) => !s.parentElement?.closest('svg'));
  if (parts.length === 0) return null;
  const color = getComputedStyle(host).color || '#1d1a2e';
  const sizes = parts.map((s) => ({
    w: Number(s.getAttribute('width')) || s.getBoundingClientRect().width,
    h: Number(s.getAttribute('height')) || s.getBoundingClientRect().height,
  }));
  const width = Math.ceil(Math.max(...sizes.map((s) => s.w)));
  const titleHeight = 22;
  const height = Math.ceil(titleHeight + sizes.reduce((a, s) => a + s.h + 6, 0));
  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('style', `color: ${color}; background: white; font-family: system-ui, sans-serif; font-size: 10px`);
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', 'white');
  out.appendChild(bg);
  const heading = document.createElementNS(SVG_NS, 'text');
  heading.setAttribute('x', '4');
  heading.setAttribute('y', '15');
  heading.setAttribute('font-size', '13');
  heading.setAttribute('font-weight', '600');
  heading.setAttribute('fill', 'currentColor');
  heading.textContent = title;
  out.appendChild(heading);
  let y = titleHeight;
  parts.forEach((part, i) => {
    const copy = part.cloneNode(true) as SVGSVGElement;
    copy.setAttribute('y', String(y));
    copy.setAttribute('x', '0');
    copy.removeAttribute('class');
    out.appendChild(copy);
    y += (sizes[i]?.h ?? 0) + 6;
  });
  return { svg: new XMLSerializer().serializeToString(out), width, height };
}

/** PNG bytes of an SVG document at `scale`×. */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The figure could not be drawn as an image.'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw on a canvas.');
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The PNG could not be made.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Downloads the figure in `host` as `<name>.svg` or `<name>.png`. */
export async function downloadFigure(host: HTMLElement | null, name: string, title: string, format: 'svg' | 'png'): Promise<void> {
  const figure = host ? figureSvg(host, title) : null;
  if (!figure) throw new Error('The figure is not drawn yet.');
  if (format === 'svg') downloadFile(figure.svg, `${name}.svg`, 'image/svg+xml');
  else downloadFile(await svgToPng(figure.svg, figure.width, figure.height), `${name}.png`, 'image/png');
}
