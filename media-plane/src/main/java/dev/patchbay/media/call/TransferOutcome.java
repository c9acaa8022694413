package dev.patchbay.media.call;

/**
 * How a blind transfer ended.
 *
 * @param status       the target's final status from the NOTIFY sipfrag, or REFER's own refusal
 * @param referRefused true when the far end refused the REFER itself (e.g. 405, 501, 603), so no NOTIFY followed
 *                     and the control-plane may reach the target another way
 */
public record TransferOutcome(int status, boolean referRefused) {

    public static TransferOutcome notified(int status) {
        return new TransferOutcome(status, false);
    }
}
