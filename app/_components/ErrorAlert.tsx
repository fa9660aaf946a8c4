'use client';
/** The page's error message: one `role="alert"` region, with a dismiss button. */
export function ErrorAlert({ message, onDismiss }: { message: string | undefined; onDismiss: () => void }) {
  if (!message) return null;
  return (
    <div role="alert" className="notice notice-error">
      <span>{message}</span>{' '}
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
