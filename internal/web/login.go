package web

import (
	"errors"
	"net/http"
	"strconv"

	"parkd/internal/operators"
	"parkd/internal/park"
)

type loginData struct {
	Token string // the form's CSRF token, also in the loginCookie
	Name  string
	Error string // a word key
}

// secure reports whether cookies should be sent over HTTPS only: when
// the request came over TLS, to parkd or to a proxy that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func (w *Console) loginPage(rw http.ResponseWriter, r *http.Request) {
	if p, err := w.principal(r); err == nil && p != nil {
		http.Redirect(rw, r, Prefix, http.StatusSeeOther)
		return
	}
	w.renderLogin(rw, r, http.StatusOK, loginData{})
}

// renderLogin shows the sign-in form with a fresh CSRF token, kept in a
// cookie of its own (double submit: a page of another site can neither
// read the cookie nor set the field).
func (w *Console) renderLogin(rw http.ResponseWriter, r *http.Request, status int, d loginData) {
	d.Token = operators.RandomToken()
	http.SetCookie(rw, &http.Cookie{Name: loginCookie, Value: d.Token, Path: Prefix, HttpOnly: true, Secure: secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	w.render(rw, r, status, "login", nil, "", d)
}

func (w *Console) login(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, 64<<10)
	name, password := r.PostFormValue("name"), r.PostFormValue("password")
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		w.fail(rw, r, nil, errCSRF)
		return
	}
	token, sess, err := w.sys.Operators.SignIn(r.Context(), operators.SignIn{Name: name, Password: password, Source: r.RemoteAddr})
	switch {
	case park.IsCode(err, park.ERateLimited):
		var pe *park.Error
		if errors.As(err, &pe) && !pe.At.IsZero() {
			rw.Header().Set("Retry-After", strconv.FormatInt(pe.RetryAfter(w.now()), 10))
		}
		w.renderLogin(rw, r, http.StatusTooManyRequests, loginData{Name: name, Error: "rate_limited"})
		return
	case park.IsCode(err, park.EUnauthorized):
		w.renderLogin(rw, r, http.StatusUnauthorized, loginData{Name: name, Error: "bad_login"})
		return
	case err != nil:
		w.fail(rw, r, nil, err)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: loginCookie, Value: "", Path: Prefix, MaxAge: -1})
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: token, Path: Prefix, HttpOnly: true, Secure: secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: max(1, int(sess.ExpiresAt.Sub(w.now()).Seconds()))})
	http.Redirect(rw, r, Prefix, http.StatusSeeOther)
}

func (w *Console) logout(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	c, _ := r.Cookie(sessionCookie)
	if c != nil {
		if err := w.sys.Operators.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(rw, &http.Cookie{Name: sessionCookie, Value: "", Path: Prefix, MaxAge: -1})
	http.Redirect(rw, r, Prefix+"login", http.StatusSeeOther)
	return nil
}
