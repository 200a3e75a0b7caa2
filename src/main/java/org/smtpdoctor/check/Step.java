package org.smtpdoctor.check;

/**
 * One step of a check: it reads what earlier steps left in the session, does its part
 * of the conversation, records what it learned in the session, and returns an
 * {@link Outcome}. No step prints or throws for a server's "no" or a broken wire: both
 * become outcomes with evidence (a reply or a named event, see docs/rules.md) for the
 * knowledge base. Steps hold no per-run state, so one instance may serve many runs;
 * {@link CheckRunner} decides their order.
 */
interface Step {

    Outcome run(CheckSession s);
}
