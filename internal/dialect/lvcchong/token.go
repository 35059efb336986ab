package lvcchong

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"

	"parkd/internal/park"
)

// TokenTTL is how long a token from getToken is good for (the vendor's
// 24 hours).
const TokenTTL = 24 * time.Hour

// Tokens are stateless: "v1.<appId>.<expiry unix>.<mac>", the mac an
// HMAC-SHA256 of the rest under the app's secret. Every node checks them
// without a shared table, a token dies with its 24 hours or when the
// app's secret changes, and nothing about a token is stored.
func mac(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("lvcchong-token|" + body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func issue(app *park.Partner, now time.Time) (string, time.Time) {
	exp := now.Add(TokenTTL).Truncate(time.Second)
	body := "v1." + app.ID + "." + strconv.FormatInt(exp.Unix(), 10)
	return body + "." + mac(app.Secret, body), exp
}

var errToken = apiErr(codeToken, "token无效或已过期，请重新获取")

// getToken exchanges an app's appId and appSecret for a token.
func (h *Handler) getToken(req *request) (any, error) {
	id, secret := req.form.Get("appId"), req.form.Get("appSecret")
	if id == "" || secret == "" {
		return nil, paramErr("缺少参数appId或appSecret")
	}
	app, err := h.svc.Partners.SigningPartner(req.ctx, id)
	if err != nil && !park.IsCode(err, park.ENotFound) {
		return nil, err
	}
	want := "\x00"
	if app != nil && app.Dialect == Name {
		want = app.Secret
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		return nil, apiErr(codeOther, "appId或appSecret错误")
	}
	token, exp := issue(app, h.svc.Partners.Now())
	return map[string]any{"token": token, "expireTime": exp.UnixMilli()}, nil
}

// checkToken returns the app a token belongs to.
func (h *Handler) checkToken(ctx context.Context, token string) (*park.Partner, error) {
	parts := strings.Split(token, ".")
	if len(token) > 300 || len(parts) != 4 || parts[0] != "v1" {
		return nil, errToken
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !h.svc.Partners.Now().Before(time.Unix(exp, 0)) {
		return nil, errToken
	}
	app, err := h.svc.Partners.SigningPartner(ctx, parts[1])
	if park.IsCode(err, park.ENotFound) {
		return nil, errToken
	}
	if err != nil {
		return nil, err
	}
	body := strings.Join(parts[:3], ".")
	if app.Dialect != Name || !hmac.Equal([]byte(parts[3]), []byte(mac(app.Secret, body))) {
		return nil, errToken
	}
	return app, nil
}

// limiter bounds deviceStatus calls per app: the vendor allows 60 in 60
// seconds.
type limiter struct {
	mu   sync.Mutex
	seen map[string][]time.Time
}

const (
	statusCalls  = 60
	statusWindow = 60 * time.Second
)

func newLimiter() *limiter { return &limiter{seen: map[string][]time.Time{}} }

// allow records a call of app at now and reports whether it is within the
// limit.
func (l *limiter) allow(app string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	calls := l.seen[app]
	i := 0
	for i < len(calls) && now.Sub(calls[i]) >= statusWindow {
		i++
	}
	calls = calls[i:]
	if len(calls) >= statusCalls {
		l.seen[app] = calls
		return false
	}
	l.seen[app] = append(calls, now)
	return true
}
