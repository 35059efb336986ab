package charging

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// A charger holds one WebSocket to one node, but a request to reach it
// (a partner's stop, an operator's reset) may arrive at any node. The node
// that does not hold the connection queues the command in the database
// (Forward); the node that does claims it, sends it, and writes the answer
// back (ClaimRelayed, FinishRelayed); the asking node returns that answer
// as if it had sent the command itself.

// Relay timings.
const (
	// RelayClaimWait is how long a queued command may wait for a node to
	// claim it: none did, so no node holds the charger.
	RelayClaimWait = 3 * time.Second
	relayPoll      = 50 * time.Millisecond
	// relayKeep is how long answered commands are kept for a person to
	// look at.
	relayKeep = 24 * time.Hour
)

// Results that are not a charger's answer; a charger's answers are OCPP
// statuses, which never start with "!".
const (
	relayOffline = "!offline"
	relayTimeout = "!timeout"
	relayError   = "!error: "
)

// Holder is the part of a Remote that knows which charger connections
// this node holds.
type Holder interface {
	// Holds reports whether this node holds the charger's connection
	// named conn (see park.Charger.Connection).
	Holds(chargerID, conn string) bool
}

// holds reports whether this node holds the connection c's row names:
// only that connection reaches the charger. An older one still open here
// (the charger reconnected elsewhere, and its old socket is half-open)
// does not.
func (s *Service) holds(c *park.Charger) bool {
	h, ok := s.remoteOf().(Holder)
	return ok && h.Holds(c.ID, c.Connection)
}

// relayed reports whether a command for c must go through the relay
// table: c is online, and its connection is not held here.
func (s *Service) relayed(c *park.Charger) bool {
	_, ok := s.remoteOf().(Holder)
	return ok && c.Online && c.Retired == nil && !s.holds(c)
}

// queue writes a command for the node holding a charger, in the caller's
// transaction, and returns its id.
func (s *Service) queue(ctx context.Context, tx park.Tx, chargerID string, cmd Command) (string, error) {
	b, err := json.Marshal(cmd)
	if err != nil {
		return "", err
	}
	now := s.base.Clock()
	row := &park.ChargerCommand{ID: core.NewID(), ChargerID: chargerID, Action: cmd.Kind, Payload: b,
		Status: park.CommandQueued, CreatedAt: now, UpdatedAt: now}
	return row.ID, tx.InsertChargerCommand(ctx, row)
}

// queueIfRelayed queues cmd in the caller's transaction when another node
// holds c's connection, and returns its id; "" when the command is to be
// sent from here (c is held here, or offline).
func (s *Service) queueIfRelayed(ctx context.Context, tx park.Tx, c *park.Charger, cmd Command) (string, error) {
	if !s.relayed(c) {
		return "", nil
	}
	return s.queue(ctx, tx, c.ID, cmd)
}

// Forward queues a command for a charger whose connection another node
// holds and waits for the answer (see await); ErrOffline at once when the
// charger is recorded offline.
func (s *Service) Forward(ctx context.Context, chargerID string, cmd Command, wait time.Duration) (string, error) {
	c, err := s.Charger(ctx, chargerID)
	if err != nil {
		return "", err
	}
	if !c.Online || c.Retired != nil {
		return "", ErrOffline
	}
	var id string
	if err := s.base.Write(ctx, func(tx park.Tx) (err error) { id, err = s.queue(ctx, tx, chargerID, cmd); return }); err != nil {
		return "", err
	}
	return s.await(ctx, id, wait)
}

// await waits for the answer to a queued command: the charger's status,
// or ErrOffline when no node claimed the command within RelayClaimWait
// (then it is withdrawn), or ErrTimeout when the answer did not come
// within wait after that.
func (s *Service) await(ctx context.Context, id string, wait time.Duration) (string, error) {
	cmd := &park.ChargerCommand{ID: id}
	// Wall-clock waits: the injected clock is for what is recorded.
	claimBy, answerBy := time.Now().Add(RelayClaimWait), time.Now().Add(RelayClaimWait+wait)
	t := time.NewTicker(relayPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", ErrTimeout
		case <-t.C:
		}
		var got *park.ChargerCommand
		if err := s.base.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetChargerCommand(ctx, cmd.ID); return }); err != nil {
			return "", err
		}
		switch {
		case got.Status == park.CommandDone:
			return fromRelay(got.Result)
		case got.Status == park.CommandQueued && time.Now().After(claimBy):
			// Nobody holds the charger: withdraw the command, unless a
			// node claimed it just now.
			var withdrawn bool
			err := s.base.Write(ctx, func(tx park.Tx) (err error) {
				withdrawn, err = tx.SetChargerCommand(ctx, cmd.ID, park.CommandQueued, park.CommandDone, relayOffline, s.base.Clock())
				return
			})
			if err != nil {
				return "", err
			}
			if withdrawn {
				return "", ErrOffline
			}
		case time.Now().After(answerBy):
			return "", ErrTimeout
		}
	}
}

// Relayed is a queued command this node claimed, for the charger's
// connection Conn.
type Relayed struct {
	ID        string
	ChargerID string
	Conn      string
	Command   Command
}

// ClaimRelayed claims the queued commands for chargers whose connection
// this node holds (local says which: a charger's id and the connection
// its row names); each is claimed by one node only. A command that cannot
// be read is answered with an error at once.
func (s *Service) ClaimRelayed(ctx context.Context, local func(chargerID, conn string) bool) ([]Relayed, error) {
	var queued []*park.ChargerCommand
	conns := map[string]string{} // charger id -> the connection its row names
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if queued, err = tx.QueuedChargerCommands(ctx, 100); err != nil {
			return err
		}
		for _, c := range queued {
			if _, ok := conns[c.ChargerID]; ok {
				continue
			}
			ch, err := tx.GetCharger(ctx, c.ChargerID)
			if park.IsCode(err, park.ENotFound) {
				continue // answered offline by the asking node when no one claims it
			}
			if err != nil {
				return err
			}
			conns[c.ChargerID] = ch.Connection
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var mine []Relayed
	for _, c := range queued {
		conn, ok := conns[c.ChargerID]
		if !ok || !local(c.ChargerID, conn) {
			continue
		}
		var claimed bool
		err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			claimed, err = tx.SetChargerCommand(ctx, c.ID, park.CommandQueued, park.CommandSent, "", s.base.Clock())
			return
		})
		if err != nil {
			return mine, err
		}
		if !claimed {
			continue
		}
		r := Relayed{ID: c.ID, ChargerID: c.ChargerID, Conn: conn}
		if err := json.Unmarshal(c.Payload, &r.Command); err != nil {
			if err := s.FinishRelayed(ctx, c.ID, "", err); err != nil {
				return mine, err
			}
			continue
		}
		mine = append(mine, r)
	}
	return mine, nil
}

// FinishRelayed writes the answer to a claimed command: the charger's
// status, or the error that stood for one (ErrOffline, ErrTimeout, ...).
func (s *Service) FinishRelayed(ctx context.Context, id, status string, cerr error) error {
	result := status
	switch {
	case errors.Is(cerr, ErrOffline):
		result = relayOffline
	case errors.Is(cerr, ErrTimeout):
		result = relayTimeout
	case cerr != nil:
		result = relayError + park.CleanText(cerr.Error())
	}
	return s.base.Write(ctx, func(tx park.Tx) error {
		_, err := tx.SetChargerCommand(ctx, id, park.CommandSent, park.CommandDone, result, s.base.Clock())
		return err
	})
}

func fromRelay(result string) (string, error) {
	switch {
	case result == relayOffline:
		return "", ErrOffline
	case result == relayTimeout:
		return "", ErrTimeout
	case strings.HasPrefix(result, relayError):
		return "", errors.New(strings.TrimPrefix(result, relayError))
	}
	return result, nil
}

// dropRelayed removes relayed commands answered more than relayKeep ago.
func (s *Service) dropRelayed(ctx context.Context) error {
	return s.base.Write(ctx, func(tx park.Tx) error {
		_, err := tx.DeleteChargerCommands(ctx, s.base.Clock().Add(-relayKeep))
		return err
	})
}
