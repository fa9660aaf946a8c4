import Link from 'next/link';
import { labByHref } from './labs';

/** Placeholder for a lab that is not built yet: says so plainly and shows what is planned. */
export function ComingSoon({ href }: { href: string }) {
  const lab = labByHref(href);
  return (
    <section className="placeholder" aria-labelledby="lab-title">
      <p className="chip chip-soon">Coming soon</p>
      <h1 id="lab-title">{lab.title}</h1>
      <p className="lead">{lab.summary}</p>
      <p>This lab is not built yet. Nothing on this page is a result; here is what it will do:</p>
      <ul>
        {lab.plans.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <p>
        <Link href="/">← Back to all labs</Link>
      </p>
    </section>
  );
}
