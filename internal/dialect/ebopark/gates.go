package ebopark

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"unicode/utf8"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// gateOps are the barrier operations (3.2.5). Each reaches the lane's
// device through the core and is logged there; DeleteInParkCar, also in
// 3.2.5, is a fee operation (fee.go).
func (h *Handler) gateOps() map[string]operation {
	return map[string]operation{
		"OpenGate":       h.openGate,
		"CloseGate":      h.closeGate,
		"GateAlwaysOpen": h.gateAlwaysOpen,
	}
}

// MaxGateRemark bounds a command's Remark (characters).
const MaxGateRemark = 128

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

// flag is a switch partners send as 1/0 or true/false.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	switch string(bytes.TrimSpace(b)) {
	case "1", "true", `"1"`:
		*f = true
	case "0", "false", `"0"`:
		*f = false
	default:
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeFor[bool]()}
	}
	return nil
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
			return "", &park.Error{Code: codeMissing, Field: "AlwaysOpen"}
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
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	lane, err := required("ChannelId", in.ChannelID)
	if err != nil {
		return nil, 0, err
	}
	if !laneRE.MatchString(lane) {
		return nil, 0, &park.Error{Code: codeType, Field: "ChannelId", Message: "应为1-64个可见ASCII字符"}
	}
	remark := optString(in.Remark)
	if !utf8.ValidString(remark) || utf8.RuneCountInString(remark) > MaxGateRemark {
		return nil, 0, &park.Error{Code: codeType, Field: "Remark", Message: "至多128个字符"}
	}
	cmd, err := command(&in)
	if err != nil {
		return nil, 0, err
	}
	res, err := h.svc.Gate.SendGateCommand(ctx, gate.GateCommandInput{LotCode: l.Code, Lane: lane, Command: cmd, By: p.ID, Reason: remark})
	if err != nil {
		return nil, 0, gateError(err)
	}
	return gateResult{
		ParkCode: l.Code, ChannelID: lane, Command: cmd, CommandID: res.Command.ID,
		SendTime: localTime(res.Command.At, l), AlwaysOpen: res.HeldOpen,
	}, 1, nil
}

// gateError words the core's refusals of a barrier command for partners.
func gateError(err error) error {
	pe, ok := err.(*park.Error)
	if !ok || pe.Field == "" {
		return err
	}
	switch {
	case pe.Code == park.ENotFound && pe.Field == "lane":
		return &park.Error{Code: park.ENotFound, Field: "ChannelId", Message: "该车场没有此通道（通道编号以相机上报为准）"}
	case pe.Code == park.EUnavailable:
		return &park.Error{Code: park.EUnavailable, Field: "ChannelId", Message: "道闸设备无响应，指令未送达"}
	case pe.Code == park.EConflict:
		return &park.Error{Code: park.EConflict, Field: "ChannelId", Message: "道闸处于常开状态，请先取消常开"}
	}
	return &park.Error{Code: pe.Code, Field: pe.Field, Message: pe.Message}
}
