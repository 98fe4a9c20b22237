/** CMTrace-format logging (what ConfigMgr admins read). */
export { CmTraceLog, DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, type CmTraceLogOptions, type CmTraceWriteOptions } from './cmtrace';
export { formatCmTraceLine, neutraliseMessage, MESSAGE_END, MESSAGE_END_NEUTRALISED, type CmTraceEntry, type CmTraceSeverity } from './cmtrace-format';
