<?php
// The seed document's "Example with PHP and CURL", as written there, plus CURLOPT_RETURNTRANSFER
// so the answer can be read. Usage: php seed-example.php "http://host/api/links/create?api_token=TOKEN"
// Prints the created link's short_url; exits 1 (message on stderr) when the API did not answer success.

$url = $argv[1] ?? '';

$curl = curl_init();

$params = json_encode([
    'long_url' => 'https://google.com',
]);

curl_setopt_array($curl, [
    CURLOPT_URL => $url,
    CURLOPT_POST => true,
    CURLOPT_POSTFIELDS => $params,
    CURLOPT_HTTPHEADER => [
        'Content-Type: application/json',
        'Content-Length: ' . strlen($params)
    ],
    CURLOPT_RETURNTRANSFER => true,
]);

$body = curl_exec($curl);
if ($body === false) {
    fwrite(STDERR, 'curl failed: ' . curl_error($curl) . "\n");
    exit(1);
}

$response = json_decode($body);

// $response can now be used, see above for how it's formated
if (!is_object($response) || ($response->status ?? null) !== 'success' || !isset($response->link->short_url)) {
    fwrite(STDERR, 'unexpected answer (HTTP ' . curl_getinfo($curl, CURLINFO_RESPONSE_CODE) . '): ' . $body . "\n");
    exit(1);
}

echo $response->link->short_url, "\n";
