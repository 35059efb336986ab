// Package jsonrow encodes the rows both stores keep as one JSON document
// (chargers, price standards, charge sessions), so the two engines store
// the same bytes and read back what was written: times at park.Precision,
// in UTC.
package jsonrow

import (
	"encoding/json"
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

// Session encodes s but its readings, which are rows of their own, and
// sets its times (the readings' too) to store precision.
func Session(s *park.ChargeSession) (string, error) {
	s.CreatedAt, s.UpdatedAt = at(s.CreatedAt), at(s.UpdatedAt)
	s.StartedAt, s.EndedAt, s.StopAsked = atp(s.StartedAt), atp(s.EndedAt), atp(s.StopAsked)
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
