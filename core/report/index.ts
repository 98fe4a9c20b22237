/** The upgrade report (report.html): what the engine and tests use. */
export { REPORT_FILE_NAME, withRollbackReport, withUpgradeReport, writeUpgradeReport } from './write-report';
export { renderReport, MFA_SERVER_END_DATE } from './render-report';
export { loadReportInput, loadRollbackReportInput, type ReportInput, type ReportResult, type ReportBackup, type ReportRollback } from './report-input';
