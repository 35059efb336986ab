// Package ocppsim is a small OCPP 1.6J charge point for tests, the demo
// and the benchmark: it connects with its id and password, sends what a
// charger sends, answers parkd's commands, and can misbehave on purpose
// (raw frames, unanswered commands, a clock far off).
package ocppsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Point is one simulated charge point.
type Point struct {
	ID string
	ws *websocket.Conn

	// Behaviour, set before the commands arrive.
	mu sync.Mutex
	// Answer is the status the point answers each command with by action
	// ("Accepted", or "Unlocked" for UnlockConnector, when absent); "" in
	// the map means: never answer.
	Answer map[string]string
	// AutoStart: on an accepted RemoteStartTransaction, start the
	// transaction (StartTransaction with the command's id tag).
	AutoStart bool
	// Register is the energy register (Wh) the point reports.
	Register atomic.Int64
	// Clock is the point's clock (default time.Now); set it off to test
	// a charger whose clock is wrong.
	Clock func() time.Time
	// OneAtATime: like firmware that handles one message at a time, the
	// point answers parkd's CALL only once its own CALL has its answer.
	OneAtATime bool

	callMu   sync.Mutex // one CALL of the point outstanding at a time
	seq      atomic.Uint64
	pendMu   sync.Mutex
	pending  map[string]chan json.RawMessage
	received chan Command
	closed   chan struct{}
	readErr  atomic.Pointer[error]
	lastTx   atomic.Int64
}

// Command is a CALL parkd sent the point.
type Command struct {
	ID      string // the CALL's id, for an answer sent late (AnswerLate)
	Action  string
	Payload map[string]any
}

// Dial connects a point to a central system at base (ws://host:port) with
// its password.
func Dial(ctx context.Context, base, id, password string) (*Point, error) {
	h := http.Header{}
	req, _ := http.NewRequest("GET", "http://x/", nil)
	req.SetBasicAuth(id, password)
	h.Set("Authorization", req.Header.Get("Authorization"))
	ws, resp, err := websocket.Dial(ctx, strings.TrimRight(base, "/")+"/ocpp/"+id, &websocket.DialOptions{
		Subprotocols: []string{"ocpp1.6"}, HTTPHeader: h})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: HTTP %d: %w", id, resp.StatusCode, err)
		}
		return nil, err
	}
	if ws.Subprotocol() != "ocpp1.6" {
		ws.CloseNow()
		return nil, errors.New("the central system did not agree on ocpp1.6")
	}
	p := &Point{ID: id, ws: ws, Answer: map[string]string{}, Clock: time.Now, pending: map[string]chan json.RawMessage{},
		received: make(chan Command, 64), closed: make(chan struct{})}
	ws.SetReadLimit(1 << 20)
	go p.read()
	return p, nil
}

// Close closes the connection (a charger going offline).
func (p *Point) Close() {
	p.ws.CloseNow()
	<-p.closed
}

// Err is why the connection ended (nil while it is open).
func (p *Point) Err() error {
	if e := p.readErr.Load(); e != nil {
		return *e
	}
	return nil
}

// SetAutoStart makes the point start a transaction on an accepted
// RemoteStartTransaction and stop it on an accepted
// RemoteStopTransaction.
func (p *Point) SetAutoStart(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.AutoStart = on
}

// Commands returns the commands parkd sent, as they arrive.
func (p *Point) Commands() <-chan Command { return p.received }

func (p *Point) now() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Clock().UTC().Format(time.RFC3339Nano)
}

func (p *Point) read() {
	defer close(p.closed)
	for {
		_, b, err := p.ws.Read(context.Background())
		if err != nil {
			p.readErr.Store(&err)
			p.pendMu.Lock()
			for id, ch := range p.pending {
				close(ch)
				delete(p.pending, id)
			}
			p.pendMu.Unlock()
			return
		}
		var parts []json.RawMessage
		if json.Unmarshal(b, &parts) != nil || len(parts) < 3 {
			continue
		}
		var typ int
		var id string
		_ = json.Unmarshal(parts[0], &typ)
		_ = json.Unmarshal(parts[1], &id)
		switch typ {
		case 2:
			var action string
			_ = json.Unmarshal(parts[2], &action)
			var payload map[string]any
			_ = json.Unmarshal(parts[3], &payload)
			go p.answer(id, action, payload)
		case 3, 4:
			p.pendMu.Lock()
			ch := p.pending[id]
			delete(p.pending, id)
			p.pendMu.Unlock()
			if ch != nil {
				ch <- b
			}
		}
	}
}

func (p *Point) answer(id, action string, payload map[string]any) {
	select {
	case p.received <- Command{ID: id, Action: action, Payload: payload}:
	default:
	}
	p.mu.Lock()
	status, set := p.Answer[action]
	auto, serial := p.AutoStart, p.OneAtATime
	p.mu.Unlock()
	if serial { // wait while the point's own CALL is outstanding
		p.callMu.Lock()
		p.callMu.Unlock()
	}
	if !set {
		status = "Accepted"
		if action == "UnlockConnector" { // its answer is not Accepted in OCPP 1.6
			status = "Unlocked"
		}
	}
	if status == "" {
		return // misbehave: never answer
	}
	b, _ := json.Marshal([]any{3, id, map[string]string{"status": status}})
	_ = p.ws.Write(context.Background(), websocket.MessageText, b)
	switch {
	case action == "RemoteStartTransaction" && status == "Accepted" && auto:
		conn := int(num(payload["connectorId"]))
		if conn == 0 {
			conn = 1
		}
		tag, _ := payload["idTag"].(string)
		_, _ = p.Start(context.Background(), conn, tag)
	case action == "RemoteStopTransaction" && status == "Accepted" && auto:
		_ = p.Stop(context.Background(), int64(num(payload["transactionId"])), "Remote")
	}
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// SetOneAtATime makes the point hold parkd's CALLs while its own is
// outstanding.
func (p *Point) SetOneAtATime(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.OneAtATime = on
}

// SetAnswer sets how the point answers an action ("" never answers).
func (p *Point) SetAnswer(action, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Answer[action] = status
}

// AnswerLate answers the CALL id with status, as a charger does that
// answers after the central system stopped waiting.
func (p *Point) AnswerLate(ctx context.Context, id, status string) error {
	b, _ := json.Marshal([]any{3, id, map[string]string{"status": status}})
	return p.ws.Write(ctx, websocket.MessageText, b)
}

// SetClock sets the point's clock.
func (p *Point) SetClock(f func() time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Clock = f
}

// Raw sends bytes as a text frame and returns the answer to them, if one
// comes within a second (nil otherwise).
func (p *Point) Raw(ctx context.Context, frame []byte, id string) ([]byte, error) {
	ch := make(chan json.RawMessage, 1)
	p.pendMu.Lock()
	p.pending[id] = ch
	p.pendMu.Unlock()
	if err := p.ws.Write(ctx, websocket.MessageText, frame); err != nil {
		return nil, err
	}
	select {
	case b := <-ch:
		return b, nil
	case <-time.After(5 * time.Second):
		p.pendMu.Lock()
		delete(p.pending, id)
		p.pendMu.Unlock()
		return nil, nil
	case <-p.closed: // no answer can come any more, unless it came just before
		select {
		case b := <-ch:
			return b, nil
		default:
			return nil, errors.New("the connection closed before the answer")
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// CallError is a CALLERROR the central system answered with.
type CallError struct{ Code, Description string }

func (e *CallError) Error() string { return e.Code + ": " + e.Description }

// Call sends a CALL and decodes the CALLRESULT's payload into out.
func (p *Point) Call(ctx context.Context, action string, payload, out any) error {
	p.callMu.Lock()
	defer p.callMu.Unlock()
	id := strconv.FormatUint(p.seq.Add(1), 10)
	b, err := json.Marshal([]any{2, id, action, payload})
	if err != nil {
		return err
	}
	// A charger sends its next CALL only once the last one is answered or
	// timed out (OCPP-J): a caller that stops waiting early must not let
	// another CALL of the point go while the central system still works
	// on this one, which it would refuse ("one CALL at a time").
	resp, err := p.Raw(context.WithoutCancel(ctx), b, id)
	if err != nil {
		return err
	}
	if resp == nil {
		return errors.New("no answer to " + action)
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(resp, &parts); err != nil {
		return err
	}
	var typ int
	_ = json.Unmarshal(parts[0], &typ)
	if typ == 4 && len(parts) == 5 {
		var e CallError
		_ = json.Unmarshal(parts[2], &e.Code)
		_ = json.Unmarshal(parts[3], &e.Description)
		return &e
	}
	if out != nil {
		return json.Unmarshal(parts[2], out)
	}
	return nil
}

// Boot sends BootNotification and returns its status.
func (p *Point) Boot(ctx context.Context) (string, error) {
	var out struct {
		Status string `json:"status"`
	}
	err := p.Call(ctx, "BootNotification", map[string]string{"chargePointVendor": "parkd-sim", "chargePointModel": "sim-1",
		"firmwareVersion": "1.0.0"}, &out)
	return out.Status, err
}

// Heartbeat sends a Heartbeat.
func (p *Point) Heartbeat(ctx context.Context) error {
	return p.Call(ctx, "Heartbeat", struct{}{}, nil)
}

// Status sends a StatusNotification.
func (p *Point) Status(ctx context.Context, connector int, status string) error {
	return p.Call(ctx, "StatusNotification", map[string]any{"connectorId": connector, "errorCode": "NoError", "status": status,
		"timestamp": p.now()}, nil)
}

// Authorize sends an Authorize and returns the id tag's status.
func (p *Point) Authorize(ctx context.Context, tag string) (string, error) {
	var out struct {
		IDTagInfo struct{ Status string } `json:"idTagInfo"`
	}
	err := p.Call(ctx, "Authorize", map[string]string{"idTag": tag}, &out)
	return out.IDTagInfo.Status, err
}

// Start sends StartTransaction at the current meter and returns the
// transaction id; an id tag the central system refused is an error.
func (p *Point) Start(ctx context.Context, connector int, tag string) (int64, error) {
	var out struct {
		IDTagInfo     struct{ Status string } `json:"idTagInfo"`
		TransactionID int64                   `json:"transactionId"`
	}
	err := p.Call(ctx, "StartTransaction", map[string]any{"connectorId": connector, "idTag": tag,
		"meterStart": p.Register.Load(), "timestamp": p.now()}, &out)
	if err != nil {
		return 0, err
	}
	if out.IDTagInfo.Status != "Accepted" {
		return out.TransactionID, errors.New("id tag " + out.IDTagInfo.Status)
	}
	p.lastTx.Store(out.TransactionID)
	return out.TransactionID, nil
}

// LastTransaction is the id of the last transaction the point started.
func (p *Point) LastTransaction() int64 { return p.lastTx.Load() }

// Sample is one meter value.
type Sample struct {
	At       time.Time
	EnergyWh int64
	PowerW   int64
	SoC      int // 0: not sent
}

// MeterValue is a sample as OCPP writes it.
func MeterValue(s Sample) map[string]any {
	sv := []map[string]any{{"value": strconv.FormatInt(s.EnergyWh, 10), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}}
	if s.PowerW > 0 {
		sv = append(sv, map[string]any{"value": strconv.FormatInt(s.PowerW, 10), "measurand": "Power.Active.Import", "unit": "W"})
	}
	if s.SoC > 0 {
		sv = append(sv, map[string]any{"value": strconv.Itoa(s.SoC), "measurand": "SoC", "unit": "Percent"})
	}
	return map[string]any{"timestamp": s.At.UTC().Format(time.RFC3339Nano), "sampledValue": sv}
}

// Meter sends MeterValues of a transaction.
func (p *Point) Meter(ctx context.Context, connector int, txID int64, samples ...Sample) error {
	mvs := make([]map[string]any, len(samples))
	for i, s := range samples {
		mvs[i] = MeterValue(s)
	}
	return p.Call(ctx, "MeterValues", map[string]any{"connectorId": connector, "transactionId": txID, "meterValue": mvs}, nil)
}

// Stop sends StopTransaction at the current meter, with transactionData.
func (p *Point) Stop(ctx context.Context, txID int64, reason string, data ...Sample) error {
	body := map[string]any{"meterStop": p.Register.Load(), "timestamp": p.now(), "transactionId": txID}
	if reason != "" {
		body["reason"] = reason
	}
	if len(data) > 0 {
		mvs := make([]map[string]any, len(data))
		for i, s := range data {
			mvs[i] = MeterValue(s)
		}
		body["transactionData"] = mvs
	}
	return p.Call(ctx, "StopTransaction", body, nil)
}
