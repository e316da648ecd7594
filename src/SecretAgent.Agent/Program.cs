namespace SecretAgent.Agent; internal static class Program { private static int Main() => 0; }
