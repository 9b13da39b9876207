// The tests run against Linux test nodes and this machine's /bin/sh, sudo and file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
