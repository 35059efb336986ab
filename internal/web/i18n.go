package web

// words are the console's words in each language it speaks (the
// operator's park.Operator.Language; the sign-in page follows the
// browser). A word missing in a language falls back to English, and a
// test checks that every word has all three.
var words = map[string][3]string{ // en, zh, pt
	"console":       {"parkd console", "parkd 控制台", "console parkd"},
	"sign_in":       {"Sign in", "登录", "Entrar"},
	"sign_out":      {"Sign out", "退出", "Sair"},
	"name":          {"Name", "用户名", "Nome"},
	"password":      {"Password", "密码", "Senha"},
	"overview":      {"Lots", "车场", "Estacionamentos"},
	"lot":           {"Lot", "车场", "Estacionamento"},
	"capacity":      {"Capacity", "车位总数", "Capacidade"},
	"inside":        {"Cars inside", "场内车辆", "Veículos dentro"},
	"free":          {"Free", "空余车位", "Vagas livres"},
	"received":      {"Received today", "今日实收", "Recebido hoje"},
	"payments":      {"Payments", "支付笔数", "Pagamentos"},
	"no_lots":       {"No lots to show.", "没有可显示的车场。", "Nenhum estacionamento para mostrar."},
	"error":         {"Error", "错误", "Erro"},
	"back":          {"Back to the console", "返回控制台", "Voltar ao console"},
	"signed_in_as":  {"Signed in as", "当前用户", "Conectado como"},
	"bad_login":     {"Wrong name or password.", "用户名或密码错误。", "Nome ou senha incorretos."},
	"rate_limited":  {"Too many attempts; wait a minute and try again.", "尝试次数过多，请稍后再试。", "Tentativas demais; aguarde um minuto e tente novamente."},
	"role":          {"Role", "角色", "Função"},
	"updated":       {"Updated", "更新于", "Atualizado"},
	"lanes":         {"Lanes", "车道", "Faixas"},
	"stay":          {"Stay", "停车记录", "Estadia"},
	"command_sent":  {"Command sent to the barrier.", "指令已发送到道闸。", "Comando enviado à cancela."},
	"held_open":     {"Held open", "常开", "Mantida aberta"},
	"last_car":      {"Last car", "最近车辆", "Último veículo"},
	"plate_image":   {"Camera image of", "车牌图片", "Imagem da câmera de"},
	"reason":        {"Reason", "原因", "Motivo"},
	"reason_hint":   {"Why (required to open)", "原因（开闸必填）", "Por quê (obrigatório para abrir)"},
	"open":          {"Open", "开闸", "Abrir"},
	"close":         {"Close", "关闸", "Fechar"},
	"hold_open":     {"Hold open", "常开", "Manter aberta"},
	"release":       {"Release", "恢复", "Liberar"},
	"no_lanes":      {"No lanes yet: a lane appears once a camera reports from it.", "暂无车道：摄像机上报后显示。", "Nenhuma faixa ainda: ela aparece quando uma câmera a informa."},
	"decisions":     {"Decisions", "通行决策", "Decisões"},
	"time":          {"Time", "时间", "Hora"},
	"lane":          {"Lane", "车道", "Faixa"},
	"plate":         {"Plate", "车牌", "Placa"},
	"event":         {"Event", "事件", "Evento"},
	"decision":      {"Decision", "决策", "Decisão"},
	"due":           {"Due", "应付", "Devido"},
	"gate_log":      {"Barrier commands", "道闸指令记录", "Comandos da cancela"},
	"command":       {"Command", "指令", "Comando"},
	"by":            {"By", "操作人", "Por"},
	"result":        {"Result", "结果", "Resultado"},
	"abnormal_lift": {"abnormal lift", "异常抬杆", "abertura manual"},
}

func translate(lang, key string) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	i := 0
	switch lang {
	case "zh":
		i = 1
	case "pt":
		i = 2
	}
	if w[i] == "" {
		return w[0]
	}
	return w[i]
}
