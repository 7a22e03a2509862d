// Reads an iCalendar file the way calendar programs do (Mozilla's ical.js, the parser of
// Thunderbird's calendar) and prints its events as JSON: the appointment tests check that
// the portal's .ics files import with the right instants.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const text = readFileSync(process.argv[2], 'utf8');
const cal = new ICAL.Component(ICAL.parse(text));
const events = cal.getAllSubcomponents('vevent').map((c) => {
  const e = new ICAL.Event(c);
  return {
    uid: e.uid,
    summary: e.summary,
    location: e.location,
    description: e.description,
    start: e.startDate.toJSDate().toISOString(),
    end: e.endDate.toJSDate().toISOString(),
    status: c.getFirstPropertyValue('status'),
    sequence: e.sequence,
  };
});
console.log(JSON.stringify({ method: cal.getFirstPropertyValue('method'), events }));
