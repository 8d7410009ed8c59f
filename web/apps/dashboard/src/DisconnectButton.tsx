/**
 * The Disconnect button of a card and its confirmation dialog (native `<dialog>`: focus trap, Escape), with the
 * choice to erase everything stored.
 */
import { useId, useRef, useState } from "react";

/** Props of {@link DisconnectButton}. */
export interface DisconnectButtonProps {
  /** The dialog's title, e.g. "Disconnect TikTok?". */
  title: string;
  /** What disconnecting means for the creator. */
  explanation: string;
  /** The label of the erase-everything checkbox. */
  purgeLabel: string;
  disabled: boolean;
  /** Called after confirmation, with whether to erase everything stored. */
  onConfirm: (purge: boolean) => Promise<void>;
}

/** The Disconnect button and its dialog. */
export function DisconnectButton({ title, explanation, purgeLabel, disabled, onConfirm }: DisconnectButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [purge, setPurge] = useState(false);
  const titleId = useId();
  const purgeId = useId();
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={disabled}
        onClick={() => {
          setPurge(false);
          dialog.current?.showModal();
        }}
      >
        Disconnect
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="dialog">
        <form
          method="dialog"
          onSubmit={(event) => {
            const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
            if (submitter?.value === "disconnect") void onConfirm(purge);
          }}
        >
          <h3 id={titleId}>{title}</h3>
          <p>{explanation}</p>
          <p className="check">
            <input id={purgeId} type="checkbox" checked={purge} onChange={(e) => setPurge(e.target.checked)} />
            <label htmlFor={purgeId}>{purgeLabel}</label>
          </p>
          <div className="actions">
            <button type="submit" value="cancel" autoFocus>
              Cancel
            </button>
            <button type="submit" value="disconnect" className="danger">
              Disconnect
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
