"""Documents (文书): one document model, rendered to PDF and DOCX (Qt-free)."""
