@echo off
rem smtp-doctor launcher for Windows: builds target\smtp-doctor.jar with Maven when it is
rem missing or older than the sources, then runs it with all arguments; the exit code passes through.
setlocal
set "HERE=%~dp0"
rem Reached through a symbolic link on PATH (mklink), %~dp0 is the link's folder, not the
rem project's: follow the links (attribute l: a reparse point) to where this script really is.
set "SELF=%~f0"
for %%F in ("%SELF%") do set "ATTRS=%%~aF"
if /i "%ATTRS:~8,1%"=="l" (
  for /f "usebackq delims=" %%D in (`powershell -NoProfile -Command "$p = Get-Item -LiteralPath $env:SELF; while ($p.LinkType) { $t = @($p.Target)[0]; if (-not [IO.Path]::IsPathRooted($t)) { $t = Join-Path $p.DirectoryName $t }; $p = Get-Item -LiteralPath $t }; $p.DirectoryName"`) do set "HERE=%%D\"
)
set "JAR=%HERE%target\smtp-doctor.jar"
set "STALE=1"
if exist "%JAR%" (
  powershell -NoProfile -Command "$j=(Get-Item -LiteralPath $env:JAR).LastWriteTime; $n=Get-ChildItem -Recurse -File -LiteralPath (Join-Path $env:HERE 'src\main'),(Join-Path $env:HERE 'pom.xml') | Where-Object { $_.LastWriteTime -gt $j } | Select-Object -First 1; if ($n) { exit 1 } else { exit 0 }" >nul 2>&1
  if not errorlevel 1 set "STALE=0"
)
if "%STALE%"=="1" (
  where mvn >nul 2>&1 || (echo smtp-doctor: Maven ^(mvn^) is needed to build the first time 1>&2 & exit /b 2)
  echo smtp-doctor: building the jar ^(first run or sources changed^)... 1>&2
  pushd "%HERE%"
  call mvn -q -B -Dmaven.test.skip=true package 1>&2
  if errorlevel 1 (popd & echo smtp-doctor: the build failed ^(see above^) 1>&2 & exit /b 2)
  popd
)
where java >nul 2>&1 || (echo smtp-doctor: a Java 17+ runtime ^(java^) is needed 1>&2 & exit /b 2)
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC %JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
