// Stands in for the compile worker in a test: exits the thread the way asc does on an internal crash.
process.exit(3);
