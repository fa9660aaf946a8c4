import type { Metadata } from 'next';
import { ComingSoon } from '@/app/_components/ComingSoon';
import { labByHref } from '@/app/_components/labs';

export const metadata: Metadata = { title: labByHref('/classroom').title };

export default function Page() {
  return <ComingSoon href="/classroom" />;
}
