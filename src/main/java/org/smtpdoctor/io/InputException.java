package org.smtpdoctor.io;

/** Input the user gave that cannot be read; the message is fit to print as it is. */
public final class InputException extends Exception {
    public InputException(String message) {
        super(message, null, false, false);
    }
}
