// The floor for starting a NativeAOT process on this machine: print one line and exit.
System.Console.WriteLine("hello");
