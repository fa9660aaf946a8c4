import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { BackendBadge, BackendNotice } from './_components/BackendBadge';
import { IntentLink } from './_components/IntentLink';
import { LABS } from '@/lib/domains/labs';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Latent Lab', template: '%s · Latent Lab' },
  description: 'Learn, train and play with autoencoders for images and music, in your browser, offline.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            Latent Lab
          </Link>
          <nav aria-label="Labs">
            {LABS.map((lab) => (
              <IntentLink key={lab.href} href={lab.href}>
                {lab.title}
              </IntentLink>
            ))}
          </nav>
          <BackendBadge />
        </header>
        <BackendNotice />
        <main id="main">{children}</main>
        <footer className="site-footer">Latent Lab runs entirely in your browser: models, data and training stay on this computer.</footer>
      </body>
    </html>
  );
}
