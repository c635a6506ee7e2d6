from mediator_desktop.cli import main

raise SystemExit(main())
