// Package httpapi serves parkd's native /v1 API, health and metrics. It
// translates HTTP to service calls; rules of parking live in the service.
package httpapi

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"parkd/internal/metrics"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/recovery"
	"parkd/internal/system"
)

// Server is the HTTP face of one parkd process.
type Server struct {
	svc          *system.System
	log          *slog.Logger
	metrics      *metrics.Metrics
	token        []byte
	mux          *http.ServeMux
	handler      http.Handler // mux, with a panic answered as the native API's internal error
	routes       []string     // "METHOD /path" patterns, checked against the OpenAPI document
	now          func() time.Time
	proxies      []netip.Prefix
	readyTimeout time.Duration
	draining     atomic.Bool  // set by Drain: /readyz answers 503
	wroteAt      atomic.Int64 // when a health check's write last committed (Unix ns)
	mqtt         func() (bool, string)
}

// writeCheckEvery is how long a committed check write vouches that the
// database takes writes: however often load balancers ask, the health
// checks add at most one write a second to the writer's queue.
const writeCheckEvery = time.Second

// Config wires a Server.
type Config struct {
	Service    *system.System
	Log        *slog.Logger
	Metrics    *metrics.Metrics
	AdminToken string
	Now        func() time.Time
	// MetricsToken is the bearer token GET /metrics asks for ("": the
	// admin token). Metrics show revenue and traffic, so they are never
	// public on this server.
	MetricsToken string
	// MetricsElsewhere leaves GET /metrics off this server: app serves
	// MetricsHandler on its own listen address instead.
	MetricsElsewhere bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives
	// the client's address (r.RemoteAddr, as handlers and dialects see
	// it); none: the peer is the client.
	TrustedProxies []netip.Prefix
	// ReadyTimeout bounds how long GET /readyz waits for the store
	// (default 2 s): a balancer's check must not hang on a stuck database.
	ReadyTimeout time.Duration
	// MQTT says whether the lane devices' broker is connected and, when
	// not, why (nil: no broker). GET /readyz tells it without failing:
	// the node serves HTTP cameras and partners all the same.
	MQTT func() (connected bool, why string)
}

// New builds the handler tree.
func New(c Config) *Server {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.ReadyTimeout <= 0 {
		c.ReadyTimeout = 2 * time.Second
	}
	s := &Server{svc: c.Service, log: c.Log, metrics: c.Metrics, token: []byte(c.AdminToken), mux: http.NewServeMux(), now: c.Now,
		proxies: c.TrustedProxies, readyTimeout: c.ReadyTimeout, mqtt: c.MQTT}
	s.handler = recovery.Wrap(s.mux, c.Log, "native", func(w http.ResponseWriter, r *http.Request, err error) {
		s.writeError(w, r, park.Errorf(park.EInternal, "%v", err))
	})
	s.mux.HandleFunc("/", s.noRoute)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if !c.MetricsElsewhere {
		tok := c.MetricsToken
		if tok == "" {
			tok = c.AdminToken
		}
		s.routes = append(s.routes, "GET /metrics")
		s.mux.Handle("GET /metrics", s.withToken(tok, MetricsHandler(c.Metrics, "")))
	}
	s.mux.HandleFunc("GET /v1/openapi.json", serveOpenAPI)

	s.admin("POST /v1/lots", s.createLot)
	s.admin("GET /v1/lots", s.listLots)
	s.admin("GET /v1/lots/{code}", s.getLot)
	s.admin("PATCH /v1/lots/{code}", s.patchLot)
	s.admin("GET /v1/lots/{code}/tariff", s.getTariff)
	s.admin("PUT /v1/lots/{code}/tariff", s.putTariff)
	s.admin("GET /v1/lots/{code}/occupancy", s.occupancy)
	s.admin("GET /v1/lots/{code}/anomalies", s.listAnomalies)
	s.admin("POST /v1/lots/{code}/events", s.postEvent)
	s.admin("GET /v1/lots/{code}/stays", s.listStays)
	s.admin("GET /v1/stays/{id}", s.getStay)
	s.admin("POST /v1/stays/{id}/quotes", s.createQuote)
	s.admin("POST /v1/payments", s.createPayment)
	s.admin("POST /v1/lots/{code}/passes", s.createPass)
	s.admin("GET /v1/lots/{code}/passes", s.listPasses)
	s.admin("GET /v1/lots/{code}/passes/{id}", s.getPass)
	s.admin("PATCH /v1/lots/{code}/passes/{id}", s.patchPass)
	s.admin("DELETE /v1/lots/{code}/passes/{id}", s.deletePass)
	s.admin("POST /v1/lots/{code}/plans", s.createPlan) // plans.go
	s.admin("GET /v1/lots/{code}/plans", s.listPlans)
	s.admin("GET /v1/lots/{code}/plans/{plan}", s.getPlan)
	s.admin("PATCH /v1/lots/{code}/plans/{plan}", s.patchPlan)
	s.admin("DELETE /v1/lots/{code}/plans/{plan}", s.deletePlan)
	s.admin("POST /v1/lots/{code}/whitelist", s.createWhitelist)
	s.admin("GET /v1/lots/{code}/whitelist", s.listWhitelist)
	s.admin("GET /v1/lots/{code}/whitelist/{id}", s.getWhitelist)
	s.admin("PATCH /v1/lots/{code}/whitelist/{id}", s.patchWhitelist)
	s.admin("DELETE /v1/lots/{code}/whitelist/{id}", s.deleteWhitelist)
	s.admin("POST /v1/tariffs/preview", s.previewTariff)
	s.admin("POST /v1/partners", s.createPartner)
	s.admin("GET /v1/partners", s.listPartners)
	s.admin("GET /v1/partners/{id}", s.getPartner)
	s.admin("DELETE /v1/partners/{id}", s.deletePartner)
	s.admin("POST /v1/integrators", s.createIntegrator)
	s.admin("DELETE /v1/integrators/{username}/tokens", s.revokeTokens)
	s.spaceRoutes()    // spaces.go
	s.gateRoutes()     // gates.go
	s.couponRoutes()   // coupons.go
	s.renewalRoutes()  // renewals.go
	s.deliveryRoutes() // deliveries.go
	s.chargingRoutes() // charging.go
	s.idTagRoutes()    // idtags.go
	s.rentalRoutes()   // rental.go
	s.deviceRoutes()   // devices.go
	s.userRoutes()     // users.go
	return s
}

// Routes lists the authenticated API's method and path patterns.
func (s *Server) Routes() []string { return s.routes }

// handlerFunc is a handler that returns its error for one place to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// admin mounts an API route behind the admin bearer token.
func (s *Server) admin(pattern string, h handlerFunc) {
	s.routes = append(s.routes, pattern)
	names := wildcards(pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="parkd"`)
			s.writeError(w, r, park.Errorf(park.EUnauthorized, "a valid admin bearer token is required"))
			return
		}
		// A change made with the admin token is audited as the token's,
		// in the change's transaction (core.Base.Audit).
		r = r.WithContext(park.WithActor(r.Context(), operators.APIActor))
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		err := checkURLText(r, names)
		if err == nil {
			var q url.Values
			if q, err = parseQuery(r.URL.RawQuery); err == nil {
				err = checkQuery(pattern, q)
			}
		}
		if err == nil {
			err = checkNoBody(pattern, r)
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *Server) authorized(r *http.Request) bool { return hasToken(r, s.token) }

// hasToken reports whether r carries the bearer token want (never when
// want is empty).
func hasToken(r *http.Request, want []byte) bool {
	tok, ok := bearerToken(r)
	return ok && len(want) > 0 && subtle.ConstantTimeCompare([]byte(tok), want) == 1
}

// withToken serves h only to requests with the bearer token tok.
func (s *Server) withToken(tok string, h http.Handler) http.Handler {
	want := []byte(tok)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hasToken(r, want) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="parkd"`)
			s.writeError(w, r, park.Errorf(park.EUnauthorized, "a valid bearer token is required"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// MetricsHandler serves m in Prometheus's text format, to requests with
// the bearer token tok, or to every request when tok is "" (a listen
// address of its own, which only the monitoring network reaches).
func MetricsHandler(m *metrics.Metrics, tok string) http.Handler {
	h := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
	if tok == "" {
		return h
	}
	want := []byte(tok)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hasToken(r, want) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="parkd-metrics"`)
			http.Error(w, "a valid bearer token is required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// bearerToken reads the Authorization header's bearer token; the scheme
// is case-insensitive (RFC 9110, section 11.1: "bearer" is "Bearer").
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimLeft(tok, " ")
	return tok, tok != ""
}

// ServeHTTP adds panic recovery (recovery.Wrap; a dialect's own wrap
// answers in its shape first) and per-route metrics around the mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		route := r.Pattern
		if route == "" || route == "/" {
			route = "unmatched"
		}
		s.metrics.Requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		s.metrics.Latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	}()
	r.RemoteAddr = clientAddr(r, s.proxies)
	if p := r.URL.EscapedPath(); r.Method != http.MethodConnect && p != cleanPath(p) { // as the mux reads it
		s.uncleanPath(rec, r)
		return
	}
	s.handler.ServeHTTP(rec, r)
}

// uncleanPath answers a path with "//", "." or ".." segments, which the
// mux would redirect with an English HTML body (and, for "..", into
// another API): it is no route, answered in the shape of the API that owns
// its first segment (a dialect's catch-all, as /api/), else the native one.
func (s *Server) uncleanPath(w http.ResponseWriter, r *http.Request) {
	seg, _, _ := strings.Cut(strings.TrimLeft(r.URL.Path, "/"), "/")
	probe := r.Clone(r.Context())
	probe.URL.Path, probe.URL.RawPath = "/"+seg+"/", ""
	if h, pattern := s.mux.Handler(probe); seg != "" && strings.HasSuffix(pattern, "/"+seg+"/") {
		h.ServeHTTP(w, r) // the catch-all finds no route at the unclean path
		return
	}
	s.writeError(w, r, park.Errorf(park.ENotFound, "no route serves %s %s: a path has no empty, \".\" or \"..\" segments; the API is described at GET /v1/openapi.json",
		r.Method, r.URL.Path))
}

// cleanPath is the path the mux would redirect p to (net/http's own).
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// statusRecorder keeps the reply's status for the metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool // the status is set: a later WriteHeader is net/http's superfluous call
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController (the console's event streams) and
// WebSocket upgrades (the OCPP central system) reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// checkDatabase is the health checks' test: the database answers and
// takes writes (a read-only or full disk, a standby, fails it).
func (s *Server) checkDatabase(ctx context.Context) (string, error) {
	if err := s.svc.Store.Ping(ctx); err != nil {
		return "database did not answer", err
	}
	if time.Since(time.Unix(0, s.wroteAt.Load())) < writeCheckEvery {
		return "", nil
	}
	if err := s.svc.Store.CheckWrite(ctx); err != nil {
		return "database does not take writes", err
	}
	s.wroteAt.Store(time.Now().UnixNano())
	return "", nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if what, err := s.checkDatabase(r.Context()); err != nil {
		s.writeError(w, r, park.Errorf(park.EUnavailable, "%s", what))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Drain marks the node as shutting down: from now on GET /readyz answers
// 503, so a load balancer stops sending it requests while those in flight
// finish.
func (s *Server) Drain() { s.draining.Store(true) }

// readyz says whether this node should be sent requests: the store
// answered a trivial query (Ping) and took a write (CheckWrite) within
// readyTimeout.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		s.writeError(w, r, park.Errorf(park.EUnavailable, "this node is shutting down"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.readyTimeout)
	defer cancel()
	if what, err := s.checkDatabase(ctx); err != nil {
		if ctx.Err() != nil {
			what += " within " + s.readyTimeout.String()
		}
		s.writeError(w, r, park.Errorf(park.EUnavailable, "%s", what))
		return
	}
	body := map[string]string{"status": "ok"}
	if s.mqtt != nil {
		body["mqtt"] = "connected"
		if ok, why := s.mqtt(); !ok {
			body["mqtt"] = "not connected: " + why
		}
	}
	writeJSON(w, http.StatusOK, body)
}
