"""Parses an iCalendar file (stdin) with two independent parsers, icalendar
and vobject, and prints what each read as JSON, so deskvisa's tests can
check that both agree with what deskvisa meant."""

import json
import sys

import icalendar
import vobject


def text(value):
    return None if value is None else str(value)


def when(value):
    """A date as YYYY-MM-DD; a date-time as ISO 8601 in UTC with Z."""
    if value is None:
        return None
    if hasattr(value, "hour"):
        if value.tzinfo is None:
            return value.isoformat() + " (floating)"
        import datetime

        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def with_icalendar(data):
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk("VEVENT")]
    out = {"method": text(calendar.get("METHOD")), "events": []}
    for event in events:
        attendees = event.get("ATTENDEE")
        if attendees is not None and not isinstance(attendees, list):
            attendees = [attendees]
        out["events"].append(
            {
                "uid": text(event.get("UID")),
                "sequence": int(event.get("SEQUENCE", 0)),
                "dtstart": when(event.decoded("DTSTART")),
                "dtend": when(event.decoded("DTEND")) if event.get("DTEND") else None,
                "summary": text(event.get("SUMMARY")),
                "location": text(event.get("LOCATION")),
                "description": text(event.get("DESCRIPTION")),
                "status": text(event.get("STATUS")),
                "organizer": text(event.get("ORGANIZER")),
                "attendees": [text(a) for a in attendees or []],
            }
        )
    return out


def with_vobject(data):
    calendar = vobject.readOne(data)
    out = {"method": calendar.method.value if hasattr(calendar, "method") else None, "events": []}
    for event in calendar.contents.get("vevent", []):
        get = lambda name: event.contents[name][0].value if name in event.contents else None
        out["events"].append(
            {
                "uid": get("uid"),
                "sequence": int(get("sequence") or 0),
                "dtstart": when(get("dtstart")),
                "dtend": when(get("dtend")),
                "summary": get("summary"),
                "location": get("location"),
                "description": get("description"),
                "status": get("status"),
                "organizer": get("organizer"),
                "attendees": [a.value for a in event.contents.get("attendee", [])],
            }
        )
    return out


def main():
    data = sys.stdin.buffer.read().decode("utf-8")
    print(json.dumps({"icalendar": with_icalendar(data), "vobject": with_vobject(data)}))


if __name__ == "__main__":
    main()
