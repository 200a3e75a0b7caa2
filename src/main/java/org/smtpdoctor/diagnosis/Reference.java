package org.smtpdoctor.diagnosis;

/** A document a remedy relies on: its title and link. */
public record Reference(String title, String url) {}
