package ocpp

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// Subprotocol is the WebSocket subprotocol of OCPP 1.6J.
const Subprotocol = "ocpp1.6"

// Defaults of a Server.
const (
	DefaultCallTimeout = 30 * time.Second
	writeTimeout       = 10 * time.Second
)

// Config wires a Server.
type Config struct {
	Charging *charging.Service
	Log      *slog.Logger
	Now      func() time.Time
	// CallTimeout bounds the wait for a charger's answer to a command.
	CallTimeout time.Duration
	// Metrics, when set, observes how long each CALL of a charger took to
	// answer: from reading its frame to having the answer ready to send.
	Metrics Recorder
}

// Recorder observes answer times; action is one of ChargerActions or
// "other".
type Recorder interface {
	OCPPCall(action string, d time.Duration)
}

// Server is the OCPP central system: an http.Handler for
// /ocpp/{chargePointId} and the charging subsystem's Remote.
type Server struct {
	c     Config
	mu    sync.Mutex
	conns map[string]*conn
	wg    sync.WaitGroup
}

// New returns a Server.
func New(c Config) *Server {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	return &Server{c: c, conns: map[string]*conn{}}
}

func (s *Server) callTimeout() time.Duration  { return s.c.CallTimeout }
func (s *Server) writeTimeout() time.Duration { return writeTimeout }

// ServeHTTP upgrades an authenticated charge point. The charge point id is
// the last path segment; HTTP Basic's user must be that id and its
// password the charger's. A charger that is not registered, retired, or
// sends a wrong password is refused with 401 before the upgrade; a client
// that does not offer ocpp1.6 with 400.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	user, pass, ok := r.BasicAuth()
	if !ok || !charging.ValidChargerID(id) || subtle.ConstantTimeCompare([]byte(user), []byte(id)) != 1 {
		refuse(w)
		return
	}
	if _, err := s.c.Charging.CheckPassword(r.Context(), id, pass); err != nil {
		if !park.IsCode(err, park.EUnauthorized) {
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		s.c.Log.Info("ocpp: refused a charge point", "id", id, "remote", r.RemoteAddr)
		refuse(w)
		return
	}
	if !offers(r, Subprotocol) {
		http.Error(w, "the WebSocket subprotocol ocpp1.6 is required", http.StatusBadRequest)
		return
	}
	// A charger stays connected for days: the server's request deadlines
	// must not end the connection.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Subprotocol}})
	if err != nil {
		return
	}
	ws.SetReadLimit(MaxFrame)
	// Recorded before anything is read: from here on the charger's row
	// names this connection, so commands from any node come through it
	// and only its end takes the charger offline.
	cid, err := s.c.Charging.Connected(r.Context(), id)
	if err != nil {
		s.c.Log.Warn("ocpp: recording a connection", "id", id, "err", err)
		_ = ws.Close(websocket.StatusTryAgainLater, "try again later")
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &conn{id: id, cid: cid, ws: ws, srv: s, ctx: ctx, cancel: cancel}
	s.mu.Lock()
	old := s.conns[id]
	s.conns[id] = c
	s.wg.Add(1)
	s.mu.Unlock()
	if old != nil {
		// The same charger connected again (a reconnect after a network
		// change): the newer connection is the charger. The old one may be
		// half-open, and its close handshake waits seconds for an answer
		// that never comes; the new one is read meanwhile.
		go old.close(websocket.StatusPolicyViolation, "replaced by a newer connection")
	}
	defer s.wg.Done()
	c.readLoop()
	cancel()
	ws.CloseNow()
	s.mu.Lock()
	current := s.conns[id] == c
	if current {
		delete(s.conns, id)
	}
	s.mu.Unlock()
	if current {
		// Only a connection this node still counts as the charger's: the
		// row decides whether a newer one on another node is.
		if err := s.c.Charging.Disconnected(context.Background(), id, cid); err != nil {
			s.c.Log.Warn("ocpp: recording a disconnect", "id", id, "err", err)
		}
	}
}

func (c *conn) close(code websocket.StatusCode, reason string) {
	_ = c.ws.Close(code, reason)
	c.cancel()
}

func refuse(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="ocpp", charset="UTF-8"`)
	http.Error(w, "unknown charge point or wrong password", http.StatusUnauthorized)
}

func offers(r *http.Request, proto string) bool {
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			if strings.TrimSpace(p) == proto {
				return true
			}
		}
	}
	return false
}

// Close closes every connection and waits for them to end.
func (s *Server) Close() {
	s.mu.Lock()
	for _, c := range s.conns {
		// At once for all: a half-open connection's handshake waits seconds.
		go c.close(websocket.StatusGoingAway, "server shutting down")
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Connected reports whether a charger is connected to this node.
func (s *Server) Connected(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[id] != nil
}

func (s *Server) conn(id string) *conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[id]
}

// held returns this node's connection of a charger when it is conn, the
// one the charger's row names.
func (s *Server) held(id, conn string) *conn {
	c := s.conn(id)
	if c == nil || c.cid != conn {
		return nil
	}
	return c
}

// call sends a command and returns the charger's status answer. It goes
// out on the connection the charger's row names: when another node holds
// it, through that node (charging.Service.Forward).
func (s *Server) call(ctx context.Context, id string, cmd charging.Command) (string, error) {
	ch, err := s.c.Charging.Charger(ctx, id)
	if err != nil {
		return "", err
	}
	if c := s.held(id, ch.Connection); c != nil {
		return c.command(ctx, cmd)
	}
	return s.c.Charging.Forward(ctx, id, cmd, s.callTimeout())
}

// command sends a command on this connection and returns the charger's
// status answer.
func (c *conn) command(ctx context.Context, cmd charging.Command) (string, error) {
	action, payload, err := ocppCall(cmd)
	if err != nil {
		return "", err
	}
	var late func(*Frame)
	if cmd.Kind == charging.CommandStop {
		// A stop answered after the wait still reached the charger: the
		// charging subsystem settles the stop it keeps as unheard.
		late = func(f *Frame) {
			status, ok := lateStatus(action, f)
			if !ok {
				return
			}
			if err := c.srv.c.Charging.StopAnswered(context.WithoutCancel(c.ctx), c.id, cmd.TransactionID, status); err != nil {
				c.srv.c.Log.Warn("ocpp: recording a late answer to a stop", "id", c.id, "err", err)
			}
		}
	}
	var out statusConf
	if err := c.send(ctx, action, payload, &out, late); err != nil {
		return "", err
	}
	if !slices.Contains(confirmations[action], out.Status) {
		return "", fmt.Errorf("the charger answered %s with status %q, which OCPP 1.6 does not define", action, out.Status)
	}
	return out.Status, nil
}

// lateStatus is the status of a late CALLRESULT to action; false for a
// CALLERROR or a status OCPP 1.6 does not define for it.
func lateStatus(action string, f *Frame) (string, bool) {
	var out statusConf
	if f.Type != TypeCallResult || DecodePayload(f.ID, f.Payload, &out) != nil || !slices.Contains(confirmations[action], out.Status) {
		return "", false
	}
	return out.Status, true
}

// ocppCall is a command as OCPP's action and payload.
func ocppCall(cmd charging.Command) (string, any, error) {
	switch cmd.Kind {
	case charging.CommandStart:
		return "RemoteStartTransaction", map[string]any{"connectorId": cmd.Connector, "idTag": cmd.IDTag}, nil
	case charging.CommandStop:
		return "RemoteStopTransaction", map[string]any{"transactionId": cmd.TransactionID}, nil
	case "reset":
		return "Reset", map[string]any{"type": map[string]string{"soft": "Soft", "hard": "Hard"}[cmd.Type]}, nil
	case "unlock":
		return "UnlockConnector", map[string]any{"connectorId": cmd.Connector}, nil
	case "availability":
		return "ChangeAvailability", map[string]any{"connectorId": cmd.Connector,
			"type": map[string]string{park.ChargerOperative: "Operative", park.ChargerInoperative: "Inoperative"}[cmd.Type]}, nil
	case "trigger":
		p := map[string]any{"requestedMessage": cmd.Type}
		if cmd.Connector > 0 {
			p["connectorId"] = cmd.Connector
		}
		return "TriggerMessage", p, nil
	}
	return "", nil, park.Invalid("command", "unknown command %q", cmd.Kind)
}

// Holds reports whether this node holds a charger's connection conn.
func (s *Server) Holds(id, conn string) bool { return s.held(id, conn) != nil }

// relayPoll is how often a node looks for commands other nodes queued for
// the chargers it holds.
const relayPoll = 100 * time.Millisecond

// RunRelay sends the commands other nodes queued for chargers connected
// here, and writes their answers back, until ctx ends.
func (s *Server) RunRelay(ctx context.Context) {
	t := time.NewTicker(relayPoll)
	defer t.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, cmd := range s.claimRelayed(ctx) {
			// Each waits for its charger's answer; one charger's slow
			// answer must not hold up another's command.
			wg.Go(func() {
				status, err := "", charging.ErrOffline // gone since the claim: never forwarded again
				if c := s.held(cmd.ChargerID, cmd.Conn); c != nil {
					status, err = c.command(ctx, cmd.Command)
				}
				if ferr := s.c.Charging.FinishRelayed(context.WithoutCancel(ctx), cmd.ID, status, err); ferr != nil {
					s.c.Log.Warn("ocpp: recording a relayed command", "id", cmd.ID, "err", ferr)
				}
			})
		}
	}
}

// claimRelayed claims the queued commands for chargers connected here.
// A node holding none has nothing to claim and does not read the queue:
// an idle node's poll was most of its statements on a shared database.
func (s *Server) claimRelayed(ctx context.Context) []charging.Relayed {
	s.mu.Lock()
	none := len(s.conns) == 0
	s.mu.Unlock()
	if none {
		return nil
	}
	cmds, err := s.c.Charging.ClaimRelayed(ctx, s.Holds)
	if err != nil && ctx.Err() == nil {
		s.c.Log.Warn("ocpp: claiming relayed commands", "err", err)
	}
	return cmds
}

// RemoteStart sends RemoteStartTransaction.
func (s *Server) RemoteStart(ctx context.Context, id string, connector int, idTag string) (string, error) {
	return s.call(ctx, id, charging.Command{Kind: charging.CommandStart, Connector: connector, IDTag: idTag})
}

// RemoteStop sends RemoteStopTransaction.
func (s *Server) RemoteStop(ctx context.Context, id string, txID int64) (string, error) {
	return s.call(ctx, id, charging.Command{Kind: charging.CommandStop, TransactionID: txID})
}

// Command sends an operator's command.
func (s *Server) Command(ctx context.Context, id string, cmd charging.Command) (string, error) {
	return s.call(ctx, id, cmd)
}
