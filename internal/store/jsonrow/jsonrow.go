// Package jsonrow encodes the rows both stores keep as one JSON document
// (chargers, price standards, charge sessions), and a session's readings
// in their chunks, so the two engines store the same bytes and read back
// what was written: times at park.Precision, in UTC.
package jsonrow

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"parkd/internal/park"
)

func at(t time.Time) time.Time { return t.UTC().Truncate(park.Precision) }

func atp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := at(*t)
	return &v
}

// Charger encodes c, setting its times to store precision.
func Charger(c *park.Charger) (string, error) {
	c.CreatedAt, c.UpdatedAt = at(c.CreatedAt), at(c.UpdatedAt)
	c.LastHeartbeat, c.Retired = atp(c.LastHeartbeat), atp(c.Retired)
	for i := range c.Ports {
		c.Ports[i].At = at(c.Ports[i].At)
	}
	for i := range c.Commands {
		c.Commands[i].At = at(c.Commands[i].At)
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// SeenOnline is a charger's seen_online column: when it was last seen
// while online, the Unix epoch when never; nil while offline or retired.
func SeenOnline(c *park.Charger) *time.Time {
	if !c.Online || c.Retired != nil {
		return nil
	}
	if c.LastHeartbeat == nil {
		epoch := time.Unix(0, 0).UTC()
		return &epoch
	}
	at := *c.LastHeartbeat
	return &at
}

// ReadCharger decodes a charger row.
func ReadCharger(data, passwordHash string, version int64) (*park.Charger, error) {
	c := new(park.Charger)
	if err := json.Unmarshal([]byte(data), c); err != nil {
		return nil, err
	}
	c.PasswordHash, c.Version = passwordHash, version
	return c, nil
}

// Standard encodes p, setting its times to store precision.
func Standard(p *park.PriceStandard) (string, error) {
	p.CreatedAt, p.UpdatedAt = at(p.CreatedAt), at(p.UpdatedAt)
	b, err := json.Marshal(p)
	return string(b), err
}

// ReadStandard decodes a price standard row.
func ReadStandard(data string, id, version int64) (*park.PriceStandard, error) {
	p := new(park.PriceStandard)
	if err := json.Unmarshal([]byte(data), p); err != nil {
		return nil, err
	}
	p.ID, p.Version = id, version
	return p, nil
}

// Session encodes s but its readings, which are stored apart (Readings),
// and sets its times (the readings' too) to store precision.
func Session(s *park.ChargeSession) (string, error) {
	s.CreatedAt, s.UpdatedAt = at(s.CreatedAt), at(s.UpdatedAt)
	s.StartedAt, s.EndedAt, s.StopAsked, s.StopSent = atp(s.StartedAt), atp(s.EndedAt), atp(s.StopAsked), atp(s.StopSent)
	s.StopUnheard, s.StopUnansweredSince = atp(s.StopUnheard), atp(s.StopUnansweredSince)
	for i := range s.Readings {
		s.Readings[i].At = at(s.Readings[i].At)
	}
	c := *s
	c.Readings = nil
	b, err := json.Marshal(&c)
	return string(b), err
}

// ReadSession decodes a charge session row.
func ReadSession(data string, version int64) (*park.ChargeSession, error) {
	s := new(park.ChargeSession)
	if err := json.Unmarshal([]byte(data), s); err != nil {
		return nil, err
	}
	s.Version = version
	return s, nil
}

// Window returns a session filter's update window with open bounds made
// concrete.
func Window(f park.ChargeSessionFilter) (from, to, after time.Time) {
	from, to, after = f.UpdatedFrom, f.UpdatedTo, f.AfterUpdated
	if from.IsZero() {
		from = time.Unix(0, 0).UTC()
	}
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if after.IsZero() {
		after = time.Unix(0, 0).UTC().Add(-time.Microsecond)
	}
	return at(from), at(to), at(after)
}

// ReadingsChunk is how many readings a stored chunk of a session's
// readings holds before the next starts (the readings of one call may
// make it hold more).
const ReadingsChunk = 60

// Readings encodes readings as a chunk stores them: "at,energy_wh,power_w;"
// each, at in microseconds since 1970.
func Readings(rs []park.MeterReading) string {
	b := make([]byte, 0, 32*len(rs))
	for _, r := range rs {
		b = strconv.AppendInt(b, at(r.At).UnixMicro(), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, r.EnergyWh, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, r.PowerW, 10)
		b = append(b, ';')
	}
	return string(b)
}

// ReadReadings decodes a session's stored chunks into its readings in
// park.CompareReadings order (nil for none).
func ReadReadings(chunks []string) ([]park.MeterReading, error) {
	var out []park.MeterReading
	for _, c := range chunks {
		for rec := range strings.SplitSeq(strings.TrimSuffix(c, ";"), ";") {
			if rec == "" {
				continue
			}
			var v [3]int64
			rest := rec
			for i := range v {
				var field string
				field, rest, _ = strings.Cut(rest, ",")
				n, err := strconv.ParseInt(field, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("stored reading %q: %w", rec, err)
				}
				v[i] = n
			}
			out = append(out, park.MeterReading{At: time.UnixMicro(v[0]).UTC(), EnergyWh: v[1], PowerW: v[2]})
		}
	}
	slices.SortFunc(out, park.CompareReadings)
	return out, nil
}

// Periods encodes a stay's kept free time: "" for none, else a JSON list
// of [from, to] pairs in RFC 3339, at store precision.
func Periods(ps []park.Period) string {
	if len(ps) == 0 {
		return ""
	}
	out := make([][2]time.Time, len(ps))
	for i, p := range ps {
		out[i] = [2]time.Time{at(p.From), at(p.To)}
	}
	b, _ := json.Marshal(out) // times in range always encode
	return string(b)
}

// ParsePeriods decodes what Periods encoded.
func ParsePeriods(s string) ([]park.Period, error) {
	if s == "" {
		return nil, nil
	}
	var in [][2]time.Time
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("kept free time %q: %w", s, err)
	}
	out := make([]park.Period, len(in))
	for i, p := range in {
		out[i] = park.Period{From: p[0].UTC(), To: p[1].UTC()}
	}
	return out, nil
}
