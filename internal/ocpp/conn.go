package ocpp

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"parkd/internal/charging"
)

// conn is one charge point's connection. The reader is always free to
// take the charger's answers to parkd's commands; each CALL of the charger
// is handled on a goroutine of its own, one at a time (a charger may have
// one CALL outstanding; a second before the first is answered gets a
// ProtocolError). No goroutine waits per connection between CALLs: with
// ten thousand chargers connected, an idle worker's stack each would be
// most of their memory.
type conn struct {
	id     string
	cid    string // the connection's id (park.Charger.Connection)
	ws     *websocket.Conn
	srv    *Server
	ctx    context.Context
	cancel context.CancelFunc

	writeMu sync.Mutex
	busy    atomic.Bool // a CALL of the charger is being handled
	working sync.WaitGroup

	callMu  sync.Mutex // parkd has one CALL outstanding too
	pendMu  sync.Mutex
	pendID  string
	pendCh  chan *Frame
	late    map[string]func(*Frame) // answers still wanted after the wait ended, by CALL id
	nextSeq atomic.Uint64
}

// maxLate bounds the CALLs of one connection whose late answer is still
// wanted: a charger that never answers does not grow the map.
const maxLate = 16

func (c *conn) write(f *Frame) error {
	b, err := f.Encode()
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	ctx, cancel := context.WithTimeout(c.ctx, c.srv.writeTimeout())
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// readLoop reads frames until the connection ends.
func (c *conn) readLoop() {
	defer c.working.Wait() // the last CALL is answered (or its answer fails) before the charger counts as gone
	for {
		typ, b, err := c.ws.Read(c.ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			_ = c.write(ErrorFrame("-1", ErrFormationViolation, "OCPP-J messages are text frames"))
			continue
		}
		f, err := DecodeFrame(b)
		if err != nil {
			var fe *FrameError
			if errors.As(err, &fe) {
				_ = c.write(ErrorFrame(fe.ID, fe.Code, fe.Message))
			}
			continue
		}
		read := time.Now()
		switch f.Type {
		case TypeCall:
			if !c.busy.CompareAndSwap(false, true) {
				_ = c.write(ErrorFrame(f.ID, ErrProtocol, "one CALL at a time: wait for the answer to the previous one"))
				continue
			}
			c.working.Go(func() { c.serve(f, read) })
		default:
			c.pendMu.Lock()
			late := c.late[f.ID]
			delete(c.late, f.ID)
			if c.pendCh != nil && c.pendID == f.ID {
				c.pendCh <- f
				c.pendCh = nil
			}
			c.pendMu.Unlock()
			if late != nil {
				c.working.Go(func() { late(f) })
			}
		}
	}
}

// serve handles one CALL of the charger, read at read, and answers it.
func (c *conn) serve(f *Frame, read time.Time) {
	resp, then := c.srv.handle(c.ctx, c, f)
	// Free before answering: the charger may send its next CALL the
	// moment it reads the answer.
	c.busy.Store(false)
	// Counted before it is written, so no charger holds an answer that
	// parkd's metrics do not show yet.
	c.srv.observe(f.Action, time.Since(read))
	_ = c.write(resp)
	// After the answer: a charger may hold parkd's CALLs until it has it.
	then.Do(c.ctx)
}

// send sends a CALL and waits for its answer: the CALLRESULT's payload
// decoded into out, or an error (a CALLERROR, charging.ErrTimeout, charging.ErrOffline).
// late, when set, is given the answer should it come after the wait
// ended (charging.ErrTimeout), while the connection lasts.
func (c *conn) send(ctx context.Context, action string, payload any, out checker, late func(*Frame)) error {
	c.callMu.Lock()
	defer c.callMu.Unlock()
	id := strconv.FormatUint(c.nextSeq.Add(1), 10)
	f, err := Call(id, action, payload)
	if err != nil {
		return err
	}
	ch := make(chan *Frame, 1)
	c.pendMu.Lock()
	c.pendID, c.pendCh = id, ch
	c.pendMu.Unlock()
	defer func() {
		c.pendMu.Lock()
		c.pendCh = nil
		c.pendMu.Unlock()
	}()
	if err := c.write(f); err != nil {
		return charging.ErrOffline
	}
	t := time.NewTimer(c.srv.callTimeout())
	defer t.Stop()
	select {
	case r := <-ch:
		if r.Type == TypeCallError {
			return errors.New("charger answered " + r.ErrorCode + ": " + r.ErrorDescription)
		}
		return DecodePayload(r.ID, r.Payload, out)
	case <-t.C:
		c.awaitLate(id, late)
		return charging.ErrTimeout
	case <-ctx.Done():
		c.awaitLate(id, late)
		return charging.ErrTimeout
	case <-c.ctx.Done():
		return charging.ErrOffline
	}
}

// awaitLate keeps late for the answer to CALL id, if one is wanted and
// there is room.
func (c *conn) awaitLate(id string, late func(*Frame)) {
	if late == nil {
		return
	}
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	if c.late == nil {
		c.late = map[string]func(*Frame){}
	}
	if len(c.late) < maxLate {
		c.late[id] = late
	}
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
