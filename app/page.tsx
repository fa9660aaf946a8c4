import { IntentLink } from './_components/IntentLink';
import { LABS } from '@/lib/domains/labs';

export default function Home() {
  return (
    <>
      <section className="hero">
        <h1>Latent Lab</h1>
        <p className="lead">
          A workstation for learning, training and playing with <strong>autoencoders</strong>, right in your browser. Squeeze handwritten digits or 2-bar
          melodies into a handful of numbers, then explore that hidden &ldquo;latent space&rdquo;: rebuild, morph, blend and dream up new ones.
        </p>
        <p>
          Made for teachers, students and musicians. No GPU, no account and no internet connection needed: everything runs on your computer with TensorFlow.js.
        </p>
      </section>
      <section aria-labelledby="labs-title">
        <h2 id="labs-title">The labs</h2>
        <ul className="cards">
          {LABS.map((lab) => (
            <li key={lab.href} className="card">
              <h3>
                <IntentLink href={lab.href}>{lab.title}</IntentLink>
              </h3>
              <p>{lab.summary}</p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="how-title">
        <h2 id="how-title">How it works</h2>
        <ol>
          <li>
            An <em>encoder</em> turns an input (an image, a melody) into a short list of numbers, its <em>code</em>.
          </li>
          <li>
            A <em>decoder</em> turns a code back into an image or a melody.
          </li>
          <li>Trained together, they learn a map where similar inputs sit close together. Walking across that map morphs one thing into another.</li>
        </ol>
      </section>
    </>
  );
}
