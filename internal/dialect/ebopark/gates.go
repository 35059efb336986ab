package ebopark

import (
	"context"
	"strconv"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// gateOps are the barrier operations (3.2.5). Each reaches the lane's
// device through the core and is logged there; DeleteInParkCar, also in
// 3.2.5, is a fee operation (fee.go).
func (h *Handler) gateOps() map[string]*operation {
	// A close refused while the lane is held open concerns the lane.
	fields := map[string]string{"command": "ChannelId", "reason": "Remark"}
	lift := map[park.Code]map[string]string{park.EInvalid: {"Remark": "开闸须填写原因，" + remarkHint}}
	return map[string]*operation{
		"OpenGate":       {run: h.openGate, fields: fields, hints: lift},
		"CloseGate":      {run: h.closeGate, fields: fields},
		"GateAlwaysOpen": {run: h.gateAlwaysOpen, fields: fields, hints: lift},
	}
}

// remarkHint words the core's bound on a command's reason (Remark).
var remarkHint = "至多" + strconv.Itoa(gate.MaxGateReason) + "个字符"

type gateRequest struct {
	ParkCode   *string `json:"ParkCode"`
	ChannelID  *string `json:"ChannelId"`
	Remark     *string `json:"Remark"`
	AlwaysOpen *flag   `json:"AlwaysOpen"` // GateAlwaysOpen only
}

type gateResult struct {
	ParkCode   string `json:"parkCode"`
	ChannelID  string `json:"channelId"`
	Command    string `json:"command"`
	CommandID  string `json:"commandId"`
	SendTime   string `json:"sendTime"`
	AlwaysOpen bool   `json:"alwaysOpen"`
}

func (h *Handler) openGate(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.gateCommand(ctx, p, body, func(*gateRequest) (string, error) { return park.GateOpen, nil })
}

func (h *Handler) closeGate(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.gateCommand(ctx, p, body, func(*gateRequest) (string, error) { return park.GateClose, nil })
}

// gateAlwaysOpen is 道闸常开: AlwaysOpen 1 holds the lane's barrier up
// until AlwaysOpen 0 releases it.
func (h *Handler) gateAlwaysOpen(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.gateCommand(ctx, p, body, func(in *gateRequest) (string, error) {
		switch {
		case in.AlwaysOpen == nil:
			return "", refuse(refusedMissing, "AlwaysOpen", "")
		case bool(*in.AlwaysOpen):
			return park.GateHoldOpen, nil
		}
		return park.GateRelease, nil
	})
}

// gateCommand decodes a barrier request, picks its command and sends it
// as the partner.
func (h *Handler) gateCommand(ctx context.Context, p *park.Partner, body []byte, command func(*gateRequest) (string, error)) (any, int, error) {
	var in gateRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // the core checks it is the partner's
	if err != nil {
		return nil, 0, err
	}
	lane, err := required("ChannelId", in.ChannelID) // a lane's name is the core's to check
	if err != nil {
		return nil, 0, err
	}
	cmd, err := command(&in)
	if err != nil {
		return nil, 0, err
	}
	res, err := h.svc.Gate.SendGateCommand(ctx, gate.GateCommandInput{LotCode: code, Lane: lane, Command: cmd, By: p.ID,
		Reason: optString(in.Remark), Partner: p.ID})
	if err != nil {
		return nil, 0, err
	}
	l, err := h.svc.Gate.LotSettings(ctx, code) // the reply's time zone
	if err != nil {
		return nil, 0, err
	}
	return gateResult{
		ParkCode: l.Code, ChannelID: lane, Command: cmd, CommandID: res.Command.ID,
		SendTime: localTime(res.Command.At, l), AlwaysOpen: res.HeldOpen,
	}, 1, nil
}
