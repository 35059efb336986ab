package ebopark

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"parkd/internal/park"
	"parkd/internal/sim"
)

// Payer plays an Ebopark partner's app paying for stays (the simulator):
// the fee query (getProStopWithDeductionV3) and the payment sync
// (paysyncWithDeductionV3), signed hmac-sha256, as the partner sends them.
type Payer struct {
	base, id, secret string
	client           *http.Client
	trade            atomic.Int64
}

// NewPayer returns a payer for the parkd at base; Setup registers its
// partner.
func NewPayer(base string, client *http.Client) *Payer { return &Payer{base: base, client: client} }

// Name implements sim.Payer.
func (p *Payer) Name() string { return Name }

// Setup creates a partner of this run for lots, with a fresh secret
// (a second run against the same parkd makes its own).
func (p *Payer) Setup(ctx context.Context, api *sim.API, lots []string) error {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	p.id, p.secret = "sim-"+hex.EncodeToString(raw[:4]), hex.EncodeToString(raw[:])
	p.trade.Store(time.Now().UnixMilli())
	return api.Do(ctx, "POST", "/v1/partners", map[string]any{"id": p.id, "name": "Simulated Ebopark app", "dialect": Name,
		"type": "normal", "secret": p.secret, "sign_mode": SignHMAC, "lots": lots}, nil)
}

// Pay asks the fee of the car inside and syncs its payment.
func (p *Payer) Pay(ctx context.Context, lot, plate string) (int64, bool, error) {
	var fee struct {
		PayFee  int64  `json:"payFee"`
		OrderNo string `json:"orderNo"`
	}
	desc, err := p.call(ctx, "getProStopWithDeductionV3", map[string]any{"ParkCode": lot, "CarNo": plate}, &fee)
	if err != nil {
		return 0, false, err
	}
	if desc != "" {
		if strings.HasPrefix(desc, replies[park.ENotFound].desc) {
			return 0, false, nil // no such car inside (a missed entry)
		}
		return 0, false, fmt.Errorf("ebopark: fee of %s at %s: %s", plate, lot, desc)
	}
	if fee.PayFee == 0 || fee.OrderNo == "" {
		return 0, true, nil
	}
	in := map[string]any{"ParkCode": lot, "OrderNo": fee.OrderNo, "PayFee": fee.PayFee, "PayType": "wechat",
		"TradeNo": "SIM" + strconv.FormatInt(p.trade.Add(1), 10), "PayTime": time.Now().Format(timeLayout)}
	if desc, err = p.call(ctx, "paysyncWithDeductionV3", in, nil); err != nil {
		return 0, false, err
	}
	if desc != "" {
		return 0, false, fmt.Errorf("ebopark: payment of %s at %s refused: %s", plate, lot, desc)
	}
	return fee.PayFee, true, nil
}

// call sends one signed operation; a refusal returns the envelope's desc,
// success "" with its result decoded into out.
func (p *Payer) call(ctx context.Context, op string, in, out any) (string, error) {
	body, _ := json.Marshal(in)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	var raw [12]byte
	_, _ = rand.Read(raw[:])
	nonce := hex.EncodeToString(raw[:])
	q := url.Values{"partnerid": {p.id}, "timestamp": {ts}, "nonce": {nonce},
		"sign": {SignRequest(p.secret, p.id, op, ts, nonce, body)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/partnerService/"+op+"?"+q.Encode(), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := p.client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	var env struct {
		State  int             `json:"state"`
		Result json.RawMessage `json:"result"`
		Desc   string          `json:"desc"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &env) != nil {
		return "", fmt.Errorf("ebopark %s: HTTP %d: %.200s", op, res.StatusCode, b)
	}
	if env.State != 0 {
		return env.Desc, nil
	}
	if out != nil {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return "", fmt.Errorf("ebopark %s: result: %v", op, err)
		}
	}
	return "", nil
}
