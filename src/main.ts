console.log('hello', process.argv0, process.argv);
