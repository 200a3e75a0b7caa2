package org.smtpdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void knownAndUnknownKeywordsSurviveInOrder() {
        Reply ehlo = Reply.of(250, "mx.example Hello", "SIZE 35882577", "8BITMIME", "AUTH LOGIN PLAIN XOAUTH2",
                "ENHANCEDSTATUSCODES", "PIPELINING", "CHUNKING", "SMTPUTF8", "X-VENDOR-THING a b", "STARTTLS");
        Capabilities caps = Capabilities.fromEhlo(ehlo);
        assertThat(caps.names()).containsExactly("SIZE", "8BITMIME", "AUTH", "ENHANCEDSTATUSCODES", "PIPELINING",
                "CHUNKING", "SMTPUTF8", "X-VENDOR-THING", "STARTTLS");
        assertThat(caps.params("x-vendor-thing")).containsExactly("a", "b");
        assertThat(caps.authMechanisms()).containsExactly("LOGIN", "PLAIN", "XOAUTH2");
        assertThat(caps.sizeLimit()).hasValue(35882577L);
        assertThat(caps.startTls()).isTrue();
        assertThat(caps.greeting()).isEqualTo("mx.example Hello");
    }

    @Test
    void oldStyleAuthEqualsAndLowerCaseAreUnderstood() {
        Capabilities caps = Capabilities.fromEhlo(Reply.of(250, "h", "auth=login plain", "AUTH CRAM-MD5"));
        assertThat(caps.authMechanisms()).containsExactly("LOGIN", "PLAIN", "CRAM-MD5");
    }

    @Test
    void aSizeOfZeroMeansNoLimit() {
        assertThat(Capabilities.fromEhlo(Reply.of(250, "h", "SIZE 0")).sizeLimit()).isEmpty();
        assertThat(Capabilities.fromEhlo(Reply.of(250, "h", "SIZE")).sizeLimit()).isEmpty();
    }
}
