package org.smtpdoctor.check;

/** A step's outcome. PASS and WARN let the check go on; FAIL stops what depends on it. */
public enum Status { PASS, WARN, FAIL, SKIP }
