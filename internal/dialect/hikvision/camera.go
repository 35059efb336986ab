package hikvision

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// Camera plays an ISAPI ANPR camera against a parkd (the simulator): it
// pushes reads as multipart anpr.xml and serves the barrier endpoint
// parkd calls back, behind HTTP Digest, as the hardware does. A lane
// serves one car at a time: Push waits for the barrier before the next.
type Camera struct {
	Serial   string
	base     string // parkd
	client   *http.Client
	srv      *http.Server
	addr     string
	password string
	lane     sync.Mutex
	opened   chan struct{}
	// last is the record last pushed and its decision (guarded by lane):
	// parkd does not call the barrier again for the same UUID.
	last struct {
		id         int64
		open, seen bool
	}
}

// HoldWait is how long after parkd accepted a push a Camera waits for the
// barrier call before it takes the read as held: parkd calls back as soon
// as it has answered.
const HoldWait = 300 * time.Millisecond

const cameraRealm, cameraUser = "IP Camera(sim)", "admin"

// StartCamera starts a camera's barrier endpoint on loopback.
func StartCamera(base, serial string, client *http.Client) (*Camera, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var raw [12]byte
	_, _ = rand.Read(raw[:])
	c := &Camera{Serial: serial, base: base, client: client, addr: "http://" + ln.Addr().String(),
		password: hex.EncodeToString(raw[:]), opened: make(chan struct{}, 8)}
	c.srv = &http.Server{Handler: http.HandlerFunc(c.barrier), ReadHeaderTimeout: 5 * time.Second}
	go c.srv.Serve(ln)
	return c, nil
}

// Registration is what parkd needs to call the camera back.
func (c *Camera) Registration() map[string]any {
	return map[string]any{"addr": c.addr, "username": cameraUser, "password": c.password}
}

// Close stops the barrier endpoint.
func (c *Camera) Close() error { return c.srv.Close() }

// barrier is PUT /ISAPI/Parking/channels/1/barrierGate with Digest (qop
// auth): the first call is challenged, as a camera does.
func (c *Camera) barrier(w http.ResponseWriter, r *http.Request) {
	const nonce = "73696d6e6f6e6365"
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "Digest ") || !c.validDigest(auth[7:], nonce, r.Method) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Digest qop="auth", realm=%q, nonce=%q, stale="FALSE"`, cameraRealm, nonce))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPut || r.URL.Path != "/ISAPI/Parking/channels/1/barrierGate" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
	if bytes.Contains(b, []byte("<ctrlMode>open</ctrlMode>")) {
		select {
		case c.opened <- struct{}{}:
		default:
		}
	}
	io.WriteString(w, `<ResponseStatus><statusCode>1</statusCode><statusString>OK</statusString></ResponseStatus>`)
}

func (c *Camera) validDigest(params, nonce, method string) bool {
	p := parseParams(params)
	h := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }
	want := h(h(cameraUser+":"+cameraRealm+":"+c.password) + ":" + nonce + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + h(method+":"+p["uri"]))
	return p["username"] == cameraUser && p["nonce"] == nonce && p["qop"] == "auth" && p["response"] == want
}

// Push sends one read (plate "" for none) and reports whether parkd then
// opened the barrier. The record just pushed, sent again (the same UUID),
// is the read parkd already decided: its open is not sent again
// (docs/devices.md), so Push reports the first decision.
func (c *Camera) Push(ctx context.Context, plate string, recordID int64) (bool, error) {
	c.lane.Lock()
	defer c.lane.Unlock()
	open, err := c.push(ctx, plate, recordID)
	if err == nil {
		c.last.id, c.last.open, c.last.seen = recordID, open, true
	}
	return open, err
}

func (c *Camera) push(ctx context.Context, plate string, recordID int64) (bool, error) {
	for len(c.opened) > 0 {
		<-c.opened
	}
	lic := plate
	if lic == "" {
		lic = "unknown"
	}
	doc := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<ipAddress>127.0.0.1</ipAddress><deviceID>%s</deviceID><channelID>1</channelID>
<dateTime>%s</dateTime><eventType>ANPR</eventType><eventState>active</eventState>
<ANPR><licensePlate>%s</licensePlate><direction>forward</direction><confidenceLevel>95</confidenceLevel>
<plateColor>blue</plateColor><vehicleListName>otherList</vehicleListName></ANPR>
<UUID>%s-%d</UUID></EventNotificationAlert>`, c.Serial, time.Now().Format(time.RFC3339), lic, c.Serial, recordID)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="anpr.xml"; filename="anpr.xml"`)
	h.Set("Content-Type", "application/xml")
	part, _ := w.CreatePart(h)
	io.WriteString(part, doc)
	w.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/devices/hikvision", &buf)
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := c.client.Do(req)
	if err != nil {
		return false, err
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return false, fmt.Errorf("camera %s: HTTP %d: %.200s", c.Serial, res.StatusCode, body)
	}
	if c.last.seen && c.last.id == recordID {
		return c.last.open, nil
	}
	t := time.NewTimer(HoldWait)
	defer t.Stop()
	select {
	case <-c.opened:
		return true, nil
	case <-t.C:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
