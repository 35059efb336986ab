// Package web is the operator's console: server-rendered pages under
// /console/, embedded in the binary. It translates browser requests to
// the core's use cases, as a dialect does for a vendor's API: who may do
// what is decided by internal/operators and park.Operator, and every rule
// of parking by the subsystems.
//
// Each page belongs to a section (sections.go); a subsystem's pages are
// one file with its handlers and templates, and one line in sections().
package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/system"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is where the console is served.
const Prefix = "/console/"

// Cookie names: the session, and the sign-in form's CSRF token (before a
// session exists).
const (
	sessionCookie = "parkd_session"
	loginCookie   = "parkd_login"
)

// Config wires a Console.
type Config struct {
	System *system.System
	Log    *slog.Logger
	Now    func() time.Time
}

// Console serves the console's pages.
type Console struct {
	sys   *system.System
	log   *slog.Logger
	now   func() time.Time
	mux   *http.ServeMux
	pages map[string]*template.Template
	cop   *http.CrossOriginProtection
	// done closes at Shutdown: event streams end then, since the HTTP
	// server's graceful shutdown waits for every request to finish.
	done     chan struct{}
	shutdown sync.Once
	feeds    laneFeeds
}

// Shutdown ends the live event streams (register it with the HTTP
// server's RegisterOnShutdown).
func (w *Console) Shutdown() { w.shutdown.Do(func() { close(w.done) }) }

// New builds the console.
func New(c Config) *Console {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	w := &Console{sys: c.System, log: c.Log, now: c.Now, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection(),
		done: make(chan struct{})}
	w.pages = parsePages()
	w.feeds.m = map[string]*laneFeed{}
	static, _ := fs.Sub(staticFS, "static")
	w.mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", http.FileServerFS(static)))
	w.mux.HandleFunc("GET "+Prefix+"login", w.loginPage)
	w.mux.HandleFunc("POST "+Prefix+"login", w.login)
	w.handle("POST "+Prefix+"logout", w.logout)
	for _, s := range sections() {
		for _, rt := range s.routes {
			w.handle(rt.pattern, func(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
				return rt.h(w, rw, r, p)
			})
		}
	}
	w.mux.HandleFunc(Prefix, w.noPage)
	return w
}

// noPage answers a console URL no page serves with the console's own
// not-found page, in the viewer's language (the operator's when signed
// in, else the browser's), as a page the operator may not see reads. A
// path served with another method is a 405 with its Allow, worded alike.
func (w *Console) noPage(rw http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := w.mux.Handler(probe); m != r.Method && pattern != "" && pattern != Prefix {
			allowed = append(allowed, m)
		}
	}
	p, err := w.principal(r)
	if err != nil {
		p = nil // not signed in: the browser's language
	}
	if len(allowed) > 0 {
		rw.Header().Set("Allow", strings.Join(allowed, ", "))
		w.fail(rw, r, p, &wrongMethod{method: r.Method, allowed: strings.Join(allowed, ", ")})
		return
	}
	w.fail(rw, r, p, errNotHere(r))
}

// wrongMethod is a console address asked with a method it does not take:
// a link typed or bookmarked to a form's target.
type wrongMethod struct{ method, allowed string }

func (e *wrongMethod) Error() string {
	return fmt.Sprintf("this address takes %s, not %s", e.allowed, e.method)
}

// ServeHTTP serves the console with its security headers; a form posted
// from another site is refused before any handler runs.
func (w *Console) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	h := rw.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: http: https:; style-src 'self'; "+
		"script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if err := w.cop.Check(r); err != nil {
		w.crossOrigin(rw, r)
		return
	}
	w.mux.ServeHTTP(rw, r)
}

// crossOrigin answers a request the cross-origin check refused (a form
// posted from another site) with the console's own 403 page, in the
// viewer's language as noPage words it. Nothing of the request is acted
// on: the page is only the refusal, worded.
func (w *Console) crossOrigin(rw http.ResponseWriter, r *http.Request) {
	p, err := w.principal(r)
	if err != nil {
		p = nil // not signed in: the browser's language
	}
	w.fail(rw, r, p, errCrossOrigin)
}

// errCrossOrigin is a request from another site, refused before any
// page runs.
var errCrossOrigin = errors.New("cross-origin request refused") // err_cross_origin

// handlerFunc is a page handler for a signed-in operator; it returns its
// error for one place to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p *operators.Principal) error

// errForbidden is the console's answer to an operator whose role does
// not allow a change: the page exists, the operator may see it, and may
// not change it.
var errForbidden = errors.New("your role does not allow this change") // err_forbidden

// handle mounts a page that needs a session; a form post also needs the
// session's CSRF token.
func (w *Console) handle(pattern string, h handlerFunc) {
	w.mux.HandleFunc(pattern, func(rw http.ResponseWriter, r *http.Request) {
		p, err := w.principal(r)
		if err != nil {
			if park.IsCode(err, park.EUnauthorized) {
				w.toLogin(rw, r)
				return
			}
			w.fail(rw, r, nil, err)
			return
		}
		// Whatever the operator changes is audited under their name, in
		// the change's own transaction (core.Base.Audit).
		r = r.WithContext(park.WithActor(r.Context(), p.Name))
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(rw, r.Body, 1<<20)
			var mbe *http.MaxBytesError
			if err := r.ParseForm(); errors.As(err, &mbe) {
				w.fail(rw, r, p, errTooLarge)
				return
			}
			if !sameToken(r.PostFormValue("csrf"), p.Session.CSRF) {
				w.fail(rw, r, p, errCSRF)
				return
			}
		}
		if err := h(rw, r, p); err != nil {
			w.fail(rw, r, p, err)
		}
	})
}

var errCSRF = errors.New("this form has expired or did not come from the console; reload the page and try again")

var errTooLarge = errors.New("this form is larger than 1 MiB; shorten what you typed")

func sameToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (w *Console) principal(r *http.Request) (*operators.Principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, park.Errorf(park.EUnauthorized, "not signed in")
	}
	return w.sys.Operators.Authenticate(r.Context(), c.Value)
}

// toLogin sends the browser to sign in; the lanes' event stream gets a
// 401 instead of a page it cannot show. A form posted after the session
// ended answers the sign-in form (401), saying nothing was saved: the
// browser shows the answer, and a redirect would hide that.
func (w *Console) toLogin(rw http.ResponseWriter, r *http.Request) {
	switch {
	case r.Header.Get("Accept") == "text/event-stream":
		http.Error(rw, "not signed in, or the session has ended", http.StatusUnauthorized)
	case r.Method == http.MethodGet || r.URL.Path == Prefix+"logout": // signed out already
		http.Redirect(rw, r, Prefix+"login", http.StatusSeeOther)
	default:
		w.renderLogin(rw, r, http.StatusUnauthorized, loginData{Error: "signed_out_form"})
	}
}

// fail renders err as a page with its status: the one table from errors
// to what the operator sees. Only internal errors are logged in detail.
func (w *Console) fail(rw http.ResponseWriter, r *http.Request, p *operators.Principal, err error) {
	lang := clientLang(r)
	if p != nil {
		lang = p.Language
	}
	e := describe(lang, err)
	if e.Status == http.StatusInternalServerError {
		w.log.Error("console", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if errors.Is(r.Context().Err(), context.Canceled) {
		return
	}
	w.render(rw, r, e.Status, "error", p, "error", e)
}

// lotFor reads the lot named in the path, answering ENotFound for a lot
// the operator may not see, exactly as for one that does not exist.
func (w *Console) lotFor(r *http.Request, p *operators.Principal) (*park.Lot, error) {
	code := r.PathValue("lot")
	if !p.MaySee(code) {
		return nil, notFoundAs(park.Errorf(park.ENotFound, "lot %q not found", code), "lot", code)
	}
	l, err := w.sys.Gate.LotSettings(r.Context(), code)
	return l, notFoundAs(err, "lot", code)
}

// mayChange refuses a change in lot by an operator whose role does not
// allow it.
func mayChange(p *operators.Principal, lot string) error {
	if !p.MayChange(lot) {
		return errForbidden
	}
	return nil
}

// clientLang picks the sign-in page's language from the browser's.
func clientLang(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		for _, l := range park.Languages {
			if base == l {
				return l
			}
		}
	}
	return "en"
}
