package vzenith

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"
)

// Camera plays a camera against a parkd (the simulator, load tests): it
// pushes reads and heartbeats as the hardware does and reads the answer.
type Camera struct {
	Base   string // parkd's URL
	Serial string
	Client *http.Client
}

// Push sends one read (plate "" for a read with no plate) and reports
// whether the barrier opens and the screen's lines and voice (frames).
func (c *Camera) Push(ctx context.Context, plate string, recordID int64) (open bool, err error) {
	lic := plate
	if lic == "" {
		lic = noPlate
	}
	body, _ := json.Marshal(map[string]any{"AlarmInfoPlate": map[string]any{"channel": 0, "deviceName": "IVS", "serialno": c.Serial,
		"result": map[string]any{"PlateResult": map[string]any{"license": lic, "colorType": 1, "plateid": recordID, "isoffline": 0,
			"triggerType": 8, "timeStamp": map[string]any{"Timeval": map[string]any{"sec": time.Now().Unix(), "usec": 0}}}}}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/devices/vzenith", bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	var r reply
	if err := c.do(req, &r); err != nil {
		return false, err
	}
	return r.Response.Info == "ok", nil
}

// Heartbeat sends one heartbeat and reports whether its reply opens the
// barrier (a command parkd queued).
func (c *Camera) Heartbeat(ctx context.Context) (open bool, err error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, kv := range [][2]string{{"device_name", "IVS"}, {"ipaddr", "127.0.0.1"}, {"port", "80"}, {"serialno", c.Serial}, {"channel_num", "1"}} {
		_ = w.WriteField(kv[0], kv[1])
	}
	w.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/devices/vzenith/heartbeat", &buf)
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	var r reply
	if err := c.do(req, &r); err != nil {
		return false, err
	}
	return r.Response.Info == "ok", nil
}

func (c *Camera) do(req *http.Request, out *reply) error {
	res, err := c.Client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("camera %s: HTTP %d: %.200s", c.Serial, res.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}
