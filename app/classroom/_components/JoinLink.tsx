'use client';
/**
 * The projected join link and its QR code, at an address students' devices can reach: the page's
 * own address unless it is this computer only (`localhost`, `127.0.0.1`), then the server's
 * configured public URL or one of its network addresses (GET /api/classroom), with a warning.
 */
import { useEffect, useState } from 'react';
import { QrCode } from './QrCode';

interface ServerInfo {
  publicUrl: string | null;
  joinBaseUrls: string[];
}

function loopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h);
}

export function JoinLink({ code, projector }: { code: string; projector: boolean }) {
  const [origin, setOrigin] = useState('');
  const [info, setInfo] = useState<ServerInfo>();
  const [chosen, setChosen] = useState<string>();

  useEffect(() => {
    const t = setTimeout(() => setOrigin(window.location.origin), 0);
    fetch('/api/classroom', { cache: 'no-store' })
      .then((r) => r.json() as Promise<Partial<ServerInfo>>)
      .then((j) =>
        setInfo({ publicUrl: typeof j.publicUrl === 'string' ? j.publicUrl : null, joinBaseUrls: Array.isArray(j.joinBaseUrls) ? j.joinBaseUrls : [] }),
      )
      .catch(() => setInfo({ publicUrl: null, joinBaseUrls: [] }));
    return () => clearTimeout(t);
  }, []);

  if (!origin) return null;
  const local = loopback(new URL(origin).hostname);
  const options = info ? [...new Set([...(info.publicUrl ? [new URL(info.publicUrl).origin] : []), ...(local ? [] : [origin]), ...info.joinBaseUrls])] : [];
  const base = chosen ?? (info?.publicUrl ? new URL(info.publicUrl).origin : local ? (options[0] ?? origin) : origin);
  const joinUrl = `${base}/classroom/join?code=${code}`;
  const unreachable = local && base === origin;

  return (
    <>
      <div className="join-text">
        <p className="muted">Join at</p>
        <p className="join-url">
          <a href={joinUrl} data-testid="join-link">
            {joinUrl}
          </a>
        </p>
        {local && !projector && (
          <p className="notice small" data-testid="join-address-warning">
            This page is open at {new URL(origin).host}, which only this computer can reach.{' '}
            {unreachable
              ? 'No network address was found: connect this computer to the class network (or set LATENT_LAB_PUBLIC_URL) so students can join.'
              : 'The link uses this computer’s network address instead.'}
          </p>
        )}
        {!projector && options.length > 1 && (
          <label className="small">
            Address{' '}
            <select value={base} onChange={(e) => setChosen(e.target.value)} data-testid="join-address-select">
              {options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
        )}
        <p className="muted">with the code</p>
        <p className="join-code" data-testid="join-code" aria-label={`Join code ${code.split('').join(' ')}`}>
          {code.slice(0, 3)} {code.slice(3)}
        </p>
      </div>
      <QrCode text={joinUrl} label={`QR code for ${joinUrl}`} size={projector ? 280 : 200} />
    </>
  );
}
