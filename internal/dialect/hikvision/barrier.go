package hikvision

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"parkd/internal/park"
)

// Barrier opens and closes a camera's barrier through its ISAPI
// (PUT /ISAPI/Parking/channels/1/barrierGate, HTTP Digest with the
// credentials the device is registered with). The camera must be set to
// platform control, or it also opens on its own lists.
type Barrier struct {
	Client *http.Client
}

// ctrlModes are the ISAPI words of the gate's commands.
var ctrlModes = map[string]string{
	park.GateOpen:     "open",
	park.GateClose:    "close",
	park.GateHoldOpen: "lock",   // kept up
	park.GateRelease:  "unlock", // back to normal
}

// Send implements devices.Transport: any answer but 2xx, or none, is
// park.ErrUnreachable (the command may not have been carried out).
func (b *Barrier) Send(ctx context.Context, d *park.Device, command string) error {
	mode, ok := ctrlModes[command]
	if !ok {
		return fmt.Errorf("hikvision: unknown command %q", command)
	}
	u, err := url.Parse(d.Addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: camera %s has no http(s) address registered (addr)", park.ErrUnreachable, d.Serial)
	}
	target := strings.TrimRight(d.Addr, "/") + "/ISAPI/Parking/channels/1/barrierGate"
	body := []byte("<BarrierGate><ctrlMode>" + mode + "</ctrlMode></BarrierGate>")
	res, err := b.put(ctx, target, body, "")
	if err == nil && res.StatusCode == http.StatusUnauthorized {
		chals := res.Header.Values("WWW-Authenticate")
		res.Body.Close()
		// One challenge a header, in the camera's order of preference
		// (SHA-256 before MD5, some add Basic): the first MD5 Digest one
		// is answered.
		var auth string
		var aerr error
		for i, chal := range chals {
			a, err := digest(chal, d.Username, d.Password, http.MethodPut, strings.TrimRight(u.EscapedPath(), "/")+"/ISAPI/Parking/channels/1/barrierGate")
			if err == nil {
				auth, aerr = a, nil
				break
			}
			if i == 0 {
				aerr = err // the first challenge's fault, when none can be answered
			}
		}
		if auth == "" && aerr == nil {
			aerr = errors.New("401 without a WWW-Authenticate challenge")
		}
		if aerr != nil {
			return fmt.Errorf("%w: camera %s: %v", park.ErrUnreachable, d.Serial, aerr)
		}
		res, err = b.put(ctx, target, body, auth)
	}
	if err != nil {
		return fmt.Errorf("%w: camera %s: %v", park.ErrUnreachable, d.Serial, err)
	}
	defer res.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%w: camera %s answered %d: %.200s", park.ErrUnreachable, d.Serial, res.StatusCode, reply)
	}
	return nil
}

func (b *Barrier) put(ctx context.Context, target string, body []byte, auth string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/xml")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	c := b.Client
	if c == nil {
		c = http.DefaultClient
	}
	return c.Do(req)
}

// digest answers an RFC 7616 MD5 challenge (qop auth, or none).
func digest(challenge, user, pass, method, uri string) (string, error) {
	scheme, rest, _ := strings.Cut(challenge, " ")
	if !strings.EqualFold(scheme, "Digest") {
		return "", fmt.Errorf("the camera asks for %q authentication, not Digest", scheme)
	}
	p := parseParams(rest)
	if alg := p["algorithm"]; alg != "" && !strings.EqualFold(alg, "MD5") {
		return "", fmt.Errorf("digest algorithm %s is not supported", alg)
	}
	if p["realm"] == "" || p["nonce"] == "" {
		return "", fmt.Errorf("digest challenge without realm or nonce")
	}
	h := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }
	ha1 := h(user + ":" + p["realm"] + ":" + pass)
	ha2 := h(method + ":" + uri)
	out := fmt.Sprintf(`Digest username=%q, realm=%q, nonce=%q, uri=%q`, user, p["realm"], p["nonce"], uri)
	if qops := p["qop"]; qops != "" {
		hasAuth := false
		for _, q := range strings.Split(qops, ",") {
			hasAuth = hasAuth || strings.TrimSpace(q) == "auth"
		}
		if !hasAuth {
			return "", fmt.Errorf("digest qop %q is not supported", qops)
		}
		var raw [8]byte
		_, _ = rand.Read(raw[:])
		cnonce, nc := hex.EncodeToString(raw[:]), "00000001"
		out += fmt.Sprintf(`, qop=auth, nc=%s, cnonce=%q, response=%q`, nc, cnonce,
			h(ha1+":"+p["nonce"]+":"+nc+":"+cnonce+":auth:"+ha2))
	} else {
		out += fmt.Sprintf(`, response=%q`, h(ha1+":"+p["nonce"]+":"+ha2))
	}
	if p["opaque"] != "" {
		out += fmt.Sprintf(`, opaque=%q`, p["opaque"])
	}
	return out + ", algorithm=MD5", nil
}

// parseParams reads a challenge's comma-separated key="value" list.
func parseParams(s string) map[string]string {
	out := map[string]string{}
	for len(s) > 0 {
		s = strings.TrimLeft(s, " ,")
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				v, s = rest[1:], ""
			} else {
				v, s = rest[1:1+end], rest[2+end:]
			}
		} else {
			v, s, _ = strings.Cut(rest, ",")
		}
		out[k] = strings.TrimSpace(v)
	}
	return out
}
