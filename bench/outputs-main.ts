// Entry of the `outputs` benchmark group (run by scripts/bench.mjs): channel throughput (file,
// http to a local listener) and detection latency with the email channel up, refused and wedged.
import { benchEmailLatency } from './outputs-latency.js';
import { emit } from './outputs-support.js';
import { benchThroughput } from './outputs-throughput.js';

const measureMs = Number(process.env.BENCH_MEASURE_MS ?? 3000);
const samples = Number(process.env.BENCH_LATENCY_SAMPLES ?? 300);

const t = await benchThroughput(measureMs);
emit('outputs_file_alerts_per_s', t.fileAlertsPerS, 'alerts/s');
emit('outputs_file_keep_alive_alerts_per_s', t.fileKeepAliveAlertsPerS, 'alerts/s');
emit('outputs_http_alerts_per_s', t.httpAlertsPerS, 'alerts/s');

const l = await benchEmailLatency(samples, 10);
if (l.emailUp.emailDelivered === 0) throw new Error('the healthy SMTP server received no mail: the email_up figure would mean nothing');
if (l.emailRefused.emailDelivered > 0 || l.emailHung.emailDelivered > 0) throw new Error('mail was delivered to an SMTP peer that should be down');
emit('detection_latency_ms_no_email', l.noEmail.medianMs, 'ms');
emit('detection_latency_ms_email_up', l.emailUp.medianMs, 'ms');
emit('detection_latency_ms_email_down', l.emailRefused.medianMs, 'ms');
emit('detection_latency_ms_email_hung', l.emailHung.medianMs, 'ms');
emit('detection_latency_ratio_email_down', l.emailRefused.medianMs / l.emailUp.medianMs, 'ratio');
emit('detection_latency_ratio_email_hung', l.emailHung.medianMs / l.emailUp.medianMs, 'ratio');
emit('detection_latency_ratio_email_down_vs_no_email', l.emailRefused.medianMs / l.noEmail.medianMs, 'ratio');
emit('detection_latency_p99_ms_email_up', l.emailUp.p99Ms, 'ms');
emit('detection_latency_p99_ms_email_down', l.emailRefused.p99Ms, 'ms');
emit('detection_latency_p99_ms_email_hung', l.emailHung.p99Ms, 'ms');
emit('email_up_messages_delivered', l.emailUp.emailDelivered, 'messages');
emit('email_down_retries', l.emailRefused.emailRetries, 'attempts');
process.exit(0); // the compile worker may linger idle; the figures are out
